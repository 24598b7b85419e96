// On-demand loading of the vendored libraries (served from /static/vendor, never from a CDN).

const loaded = new Map();

function script(src) {
  if (!loaded.has(src)) {
    loaded.set(src, new Promise((resolve, reject) => {
      const el = document.createElement("script");
      el.src = src;
      el.async = true;
      el.onload = () => resolve();
      el.onerror = () => {
        loaded.delete(src);
        reject(new Error(`could not load ${src}`));
      };
      document.head.append(el);
    }));
  }
  return loaded.get(src);
}

export async function leaflet() {
  await script("/static/vendor/leaflet/dist/leaflet.js");
  return window.L;
}

export async function cytoscape() {
  await script("/static/vendor/cytoscape/dist/cytoscape.min.js");
  return window.cytoscape;
}

export async function plotly() {
  await script("/static/vendor/plotly/plotly-basic.min.js");
  return window.Plotly;
}
