// Roster console: the one script of our own (no inline scripts: the Content-Security-Policy forbids them).
// Violations of the policy are kept, so that the browser tests can see a page that breaks it.
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
function rosterCharts() {
  var el = document.getElementById('latency');
  if (el && window.echarts && el.dataset.chart) {
    var d = JSON.parse(el.dataset.chart);
    var chart = window.echarts.init(el, null, { renderer: 'svg' });
    chart.setOption({
      animation: false,
      legend: { data: ['p50', 'p95', 'max', 'objective'] },
      tooltip: { trigger: 'axis', renderMode: 'richText' },
      xAxis: { type: 'category', data: d.targets },
      yAxis: { type: 'log', name: 'ms (log)', min: 1 },
      series: [
        { name: 'p50', type: 'bar', data: d.p50 },
        { name: 'p95', type: 'bar', data: d.p95 },
        { name: 'max', type: 'bar', data: d.max },
        { name: 'objective', type: 'line', step: 'middle', data: d.slo, lineStyle: { type: 'dashed' } }
      ]
    });
    window.addEventListener('resize', function () { chart.resize(); });
  }
}
window.addEventListener('load', rosterCharts);
// a live part of the page was fetched again: draw its chart again
document.addEventListener('htmx:afterSwap', rosterCharts);

// a file chosen for a form fills its text box (read in the browser; the form sends the text)
document.addEventListener('change', function (e) {
  var input = e.target;
  if (!input.dataset || !input.dataset.fills || !input.files || !input.files[0]) {
    return;
  }
  var file = input.files[0];
  var box = document.getElementById(input.dataset.fills);
  if (file.size > 1024 * 1024) {
    input.setCustomValidity('The file is larger than 1 MB');
    input.reportValidity();
    return;
  }
  input.setCustomValidity('');
  file.text().then(function (text) { box.value = text; });
});
