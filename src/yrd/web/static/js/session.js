// What this tab remembers for the session only (sessionStorage, cleared when the tab closes): the server's token,
// typed by the user for writes, and the "as of" date every request of the dashboard carries.

const TOKEN_KEY = "yrd.token";
const AS_OF_KEY = "yrd.as_of";

function read(key) {
  try { return sessionStorage.getItem(key) || ""; } catch { return ""; }
}

function write(key, value) {
  try {
    if (value) sessionStorage.setItem(key, value);
    else sessionStorage.removeItem(key);
  } catch { /* storage unavailable: the value lasts this page */ }
}

export const token = () => read(TOKEN_KEY);
export const setToken = (value) => write(TOKEN_KEY, value);

/** "2026-11-30" or "" (the knowledge base as it stands now). */
export const asOf = () => (/^\d{4}-\d{2}-\d{2}$/.test(read(AS_OF_KEY)) ? read(AS_OF_KEY) : "");
export const setAsOf = (value) => write(AS_OF_KEY, /^\d{4}-\d{2}-\d{2}$/.test(value || "") ? value : "");
