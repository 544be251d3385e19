import { DASHBOARD_SCRIPT } from './dashboard-script.js';

const STYLE = `
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f4f6f8; color: #1d2733; }
  header { background: #0b4f6c; color: #fff; padding: 12px 24px; display: flex; gap: 24px; align-items: center; }
  header h1 { font-size: 18px; margin: 0; flex: 1; }
  form#filters { display: flex; gap: 8px; align-items: center; }
  main { padding: 16px 24px; display: grid; gap: 16px; grid-template-columns: repeat(2, minmax(0, 1fr)); }
  section { background: #fff; border-radius: 6px; padding: 12px 16px; box-shadow: 0 1px 2px #0002; }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size: 15px; margin: 0 0 8px; }
  .tiles { display: grid; grid-template-columns: repeat(6, 1fr); gap: 12px; }
  .tile .figure { font-size: 22px; font-weight: 600; }
  .tile .label { color: #5a6878; font-size: 12px; }
  svg { width: 100%; height: auto; }
  .grid { stroke: #e3e8ee; }
  .axis { fill: #5a6878; font-size: 11px; }
  .value { fill: #1d2733; font-size: 11px; }
  .line { fill: none; stroke-width: 2; }
  .line.logins { stroke: #0b4f6c; } .line.active { stroke: #20a39e; } .line.registrations { stroke: #f18f01; }
  .bar { fill: #20a39e; }
  .legend span { margin-right: 12px; } .legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
  #login { max-width: 420px; margin: 64px auto; }
  .scope { color: #b35c00; font-size: 11px; font-style: normal; margin-left: 4px; }
`;

/** The administrators' dashboard: one page, its charts drawn by its own script from the admin metrics API. */
export const DASHBOARD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Adoption dashboard</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>iAM Smart adoption</h1>
  <form id="filters">
    <label>From <input type="date" id="from" required></label>
    <label>To <input type="date" id="to" required></label>
    <label>Department <select id="department"><option value="">all</option></select></label>
    <label>By <select id="granularity"><option value="day">day</option><option value="week" selected>week</option><option value="month">month</option></select></label>
    <button type="submit">Apply</button>
  </form>
</header>
<section id="login" hidden>
  <h2>Administrator sign-in</h2>
  <p><button type="button" id="sign-in">Sign in with iAM Smart</button></p>
  <p>or, for operators, with the admin token:</p>
  <form id="login-form"><label>Admin token <input type="password" id="token" autocomplete="off" required></label> <button type="submit">Open</button></form>
  <p id="login-error"></p>
</section>
<div id="board" hidden>
<main>
  <section class="wide tiles">
    <div class="tile" data-metric="registered-citizens" data-figure="registeredCitizens"><div class="figure">–</div><div class="label">registered citizens <em class="scope"></em></div></div>
    <div class="tile" data-metric="logins"><div class="figure">–</div><div class="label">logins in range</div></div>
    <div class="tile" data-metric="daily-active" data-figure="dailyActiveCitizens"><div class="figure">–</div><div class="label">active on last day <em class="scope"></em></div></div>
    <div class="tile" data-metric="monthly-active" data-figure="monthlyActiveCitizens"><div class="figure">–</div><div class="label">active in last month <em class="scope"></em></div></div>
    <div class="tile" data-metric="adoption-rate"><div class="figure">–</div><div class="label">e-services integrated</div></div>
    <div class="tile" data-metric="login-failures"><div class="figure">–</div><div class="label">failed logins</div></div>
  </section>
  <section class="wide" id="series">
    <h2>Over time</h2>
    <div class="legend"><span data-series="logins"><i style="background:#0b4f6c"></i>logins<em class="scope"></em></span><span data-series="active-citizens"><i style="background:#20a39e"></i>active citizens<em class="scope"></em></span><span data-series="citizens-registered"><i style="background:#f18f01"></i>registrations<em class="scope"></em></span></div>
    <div id="series-chart"></div>
  </section>
  <section id="top-services"><h2>Top e-services by logins</h2><div id="top-services-chart"></div></section>
  <section id="departments"><h2>Adoption by department (integrated / registered e-services)</h2><div id="departments-chart"></div></section>
  <section id="consents"><h2>Consent funnel and data exchanges</h2><div id="consent-chart"></div></section>
  <section id="corporate" data-figure="corporate"><h2>Corporate identity <em class="scope"></em></h2><div id="corporate-chart"></div></section>
</main>
<p id="status" style="padding: 0 24px; color: #5a6878"></p>
</div>
<script>${DASHBOARD_SCRIPT}</script>
</body>
</html>
`;
