// Trame web map: the scheme's layers from the server's own API, point queries, itineraries, partners.
'use strict';
const LANG = document.body.dataset.lang === 'en' ? 'en' : 'fr';
const WORDS = {
  fr: { layers: 'Couches', here: 'Ici', itinerary: 'Itinéraire', figures: 'Chiffres', partners: 'Partenaires', rasters: 'Rasters',
    clickHint: 'Cliquez sur la carte : ce que dit la trame à cet endroit.', mode: 'Mode', walk: 'à pied', bike: 'à vélo',
    green: 'Préférence verte', route: 'Itinéraire A → B', pickStart: 'Choisir le départ', pickEnd: "Choisir l'arrivée",
    goRoute: 'Calculer', loop: 'Boucle', pickLoopStart: 'Choisir le départ', goLoop: 'Calculer la boucle', signIn: 'Se connecter',
    signOut: 'Se déconnecter', account: 'compte', password: 'mot de passe', nature_spaces: 'Espaces de nature',
    reservoirs: 'Réservoirs de biodiversité', corridors: 'Corridors écologiques', links: 'Liaisons (moindre coût)',
    buffer_zones: 'Zones tampons', conflict_points: 'Points de conflit', leisure_hubs: 'Pôles de loisirs de plein air',
    itineraries: 'Itinéraires', pinch_points: 'Points de pincement', units: 'Communes et intercommunalités',
    major: "Intérêt écologique majeur", mixed: 'Vocation mixte', nothing: 'Rien de la trame ici.', nearest: 'Point de conflit le plus proche',
    length: 'Longueur', time: 'Durée', greenShare: 'Part verte', gpx: 'Télécharger le GPX', pickedStart: 'départ choisi',
    pickedEnd: 'arrivée choisie', clickMap: 'cliquez sur la carte…', hubs: '— ou un pôle —', resistance: 'résistance',
    cost_distance: 'distance de coût', current: 'courant', corridorsRaster: 'corridors', report: 'Rapport', upload: 'Déposer une version',
    versions: 'Versions', rerun: 'Relancer la trame avec les versions cochées', runs: 'Relances', signedAs: 'Connecté :',
    privateScheme: 'Cette trame est privée : connectez-vous.', subnetwork: 'sous-trame', link: 'liaison', reservoirsOf: 'réservoirs',
    space: 'Espace de nature', inventories: 'Inventaires', partnersOf: 'Partenaires', zone: 'Zone tampon', values: 'Valeurs',
    distance: 'à', noVersion: 'aucune version déposée', named_itineraries: 'Itinéraires nommés',
    shared_links: 'Liaisons à double vocation (corridor et itinéraire)', itinerary_gaps: 'Discontinuités des itinéraires',
    gaps: 'Discontinuités', inCorridors: 'Dans les corridors', show: 'Voir' },
  en: { layers: 'Layers', here: 'Here', itinerary: 'Itinerary', figures: 'Figures', partners: 'Partners', rasters: 'Rasters',
    clickHint: 'Click on the map: what the scheme says there.', mode: 'Mode', walk: 'walk', bike: 'bike',
    green: 'Green preference', route: 'Route A → B', pickStart: 'Pick the start', pickEnd: 'Pick the end',
    goRoute: 'Plan', loop: 'Loop', pickLoopStart: 'Pick the start', goLoop: 'Plan the loop', signIn: 'Sign in',
    signOut: 'Sign out', account: 'account', password: 'password', nature_spaces: 'Nature spaces',
    reservoirs: 'Biodiversity reservoirs', corridors: 'Ecological corridors', links: 'Links (least cost)',
    buffer_zones: 'Buffer zones', conflict_points: 'Conflict points', leisure_hubs: 'Outdoor leisure hubs',
    itineraries: 'Itineraries', pinch_points: 'Pinch points', units: 'Communes and groupings',
    major: 'Major ecological interest', mixed: 'Mixed vocation', nothing: 'Nothing of the scheme here.', nearest: 'Nearest conflict point',
    length: 'Length', time: 'Time', greenShare: 'Green share', gpx: 'Download GPX', pickedStart: 'start picked',
    pickedEnd: 'end picked', clickMap: 'click on the map…', hubs: '— or a hub —', resistance: 'resistance',
    cost_distance: 'cost distance', current: 'current', corridorsRaster: 'corridors', report: 'Report', upload: 'Upload a version',
    versions: 'Versions', rerun: 'Re-run the scheme with the ticked versions', runs: 'Re-runs', signedAs: 'Signed in:',
    privateScheme: 'This scheme is private: sign in.', subnetwork: 'sub-network', link: 'link', reservoirsOf: 'reservoirs',
    space: 'Nature space', inventories: 'Inventories', partnersOf: 'Partners', zone: 'Buffer zone', values: 'Values',
    distance: 'at', noVersion: 'no version uploaded', named_itineraries: 'Named itineraries',
    shared_links: 'Links with two vocations (corridor and itinerary)', itinerary_gaps: 'Gaps in the itineraries',
    gaps: 'Gaps', inCorridors: 'In corridors', show: 'Show' },
}[LANG];
const t = k => WORDS[k] || k;
// What raster values mean, with their unit, by raster kind.
const UNITS = {
  fr: { resistance: 'résistance (unités de coût par mètre)', cost_distance: 'unités de coût (résistance × m)',
    current: 'courant (A, 1 A injecté par liaison)', corridors: 'corridor (numéro de liaison)',
    nature_spaces: '1 intérêt écologique majeur, 2 vocation mixte', buffer_zones: 'appartenance à la zone tampon (%)' },
  en: { resistance: 'resistance (cost units per metre)', cost_distance: 'cost units (resistance × m)',
    current: 'current (A, 1 A injected per link)', corridors: 'corridor (link number)',
    nature_spaces: '1 major ecological interest, 2 mixed vocation', buffer_zones: 'buffer-zone membership (%)' },
}[LANG];
const unitOf = r => UNITS[r.kind] || r.unit;
const COLON = LANG === 'fr' ? ' : ' : ': ';
const $ = id => document.getElementById(id);
const esc = s => String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const num = (v, d = 0) => Number(v).toLocaleString(LANG === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: d, minimumFractionDigits: d });
document.querySelectorAll('[data-t]').forEach(e => { e.textContent = t(e.dataset.t); });
document.querySelectorAll('[data-tp]').forEach(e => { e.placeholder = t(e.dataset.tp); });

async function api(path, options) {
  const r = await fetch(path, Object.assign({ credentials: 'same-origin' }, options || {}));
  const type = r.headers.get('content-type') || '';
  const body = type.includes('json') ? await r.json() : null;
  if (!r.ok) throw new Error((body && body.error) || r.status + ' ' + r.statusText);
  return body;
}

function showTab(name) {
  document.querySelectorAll('#tabs button').forEach(b => b.classList.toggle('active', b.dataset.tab === name));
  document.querySelectorAll('.tab').forEach(s => s.classList.toggle('active', s.id === 'tab-' + name));
}
document.querySelectorAll('#tabs button').forEach(b => b.addEventListener('click', () => showTab(b.dataset.tab)));

const map = L.map('map', { zoomControl: true });
L.control.scale({ imperial: false }).addTo(map);
let info = null, session = null;
const vector = {};   // name → { layer, on }
const DEFAULT_ON = ['nature_spaces', 'corridors', 'buffer_zones', 'pinch_points', 'itineraries', 'shared_links', 'named_itineraries',
  'itinerary_gaps', 'conflict_points', 'leisure_hubs'];
const kindColour = k => (info.palette.itinerary_kinds || {})[k] || info.palette.itinerary;

function subColour(name) {
  const s = (info.subnetworks || []).find(x => x.name === name);
  return s ? s.colour : '#555';
}

function styleFor(name) {
  const p = info.palette;
  switch (name) {
    case 'nature_spaces': return f => ({ color: f.properties.typology === 'major_interest' ? p.major : p.mixed, weight: 0.5,
      fillColor: f.properties.typology === 'major_interest' ? p.major : p.mixed, fillOpacity: 0.55 });
    case 'reservoirs': return f => ({ color: subColour(f.properties.subnetwork), weight: 1.5, fillOpacity: 0.1 });
    case 'corridors': return f => ({ color: subColour(f.properties.subnetwork), weight: 0.5, fillColor: subColour(f.properties.subnetwork), fillOpacity: 0.45 });
    case 'links': return f => ({ color: subColour(f.properties.subnetwork), weight: 1.5, dashArray: '4 3' });
    case 'buffer_zones': return () => ({ color: p.buffer, weight: 1, fillColor: p.buffer, fillOpacity: 0.18, dashArray: '3 3' });
    case 'pinch_points': return () => ({ color: p.pinch, weight: 1, fillColor: p.pinch, fillOpacity: 0.8 });
    case 'itineraries': return () => ({ color: p.itinerary, weight: 3, dashArray: '6 3' });
    case 'units': return () => ({ color: p.unit, weight: 1, fill: false });
    case 'named_itineraries': return f => ({ color: kindColour(f.properties.kind), weight: 3.5, dashArray: f.properties.status === 'planned' ? '8 5' : null });
    case 'shared_links': return () => ({ color: p.shared, weight: 9, opacity: 0.7 });
    case 'itinerary_gaps': return () => ({ color: p.conflict, weight: 3, dashArray: '2 4' });
    default: return () => ({ color: '#333' });
  }
}

function pointStyle(name) {
  const p = info.palette;
  return (f, ll) => name === 'conflict_points'
    ? L.circleMarker(ll, { radius: 5, color: '#fff', weight: 1, fillColor: p.conflict, fillOpacity: 1 })
    : L.circleMarker(ll, { radius: 7, color: '#fff', weight: 1.5, fillColor: p.hub, fillOpacity: 1 });
}

function popupFor(name, props) {
  const rows = Object.entries(props).filter(([, v]) => v !== null && v !== '').slice(0, 12)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(typeof v === 'number' ? num(v, Math.abs(v) < 10 ? 2 : 0) : v)}</td></tr>`).join('');
  return `<b>${esc(t(name))}</b><table>${rows}</table>`;
}

function makeVector(name) {
  const layer = L.geoJSON(null, {
    style: styleFor(name), pointToLayer: pointStyle(name),
    onEachFeature: (f, l) => l.bindTooltip(popupFor(name, f.properties), { sticky: true, opacity: 0.95 }),
  });
  vector[name] = { layer, on: DEFAULT_ON.includes(name) };
  if (vector[name].on) layer.addTo(map);
}

let loadSerial = 0;
async function refreshVectors() {
  const b = map.getBounds(), z = map.getZoom(), serial = ++loadSerial;
  const bbox = [Math.max(-180, b.getWest()), Math.max(-90, b.getSouth()), Math.min(180, b.getEast()), Math.min(90, b.getNorth())].map(v => v.toFixed(6)).join(',');
  await Promise.all(Object.entries(vector).filter(([, v]) => v.on).map(async ([name, v]) => {
    try {
      const g = await api(`/api/layers/${name}?bbox=${bbox}&zoom=${z}`);
      if (serial !== loadSerial) return;
      v.layer.clearLayers(); v.layer.addData(g);
    } catch (e) { console.warn(name, e); }
  }));
  document.body.dataset.loaded = String(serial);
}

function legendHTML(name) {
  const p = info.palette;
  const sw = (c, cls = '') => `<span class="swatch ${cls}" style="background:${c};border-color:${c}"></span>`;
  switch (name) {
    case 'nature_spaces': return `<div class="legend-sub">${sw(p.major)} ${t('major')}<br>${sw(p.mixed)} ${t('mixed')}</div>`;
    case 'corridors': case 'reservoirs': case 'links':
      return `<div class="legend-sub">${(info.subnetworks || []).map(s => `${sw(s.colour)} ${esc(s.label)}`).join('<br>')}</div>`;
    default: return '';
  }
}

function buildLayerList() {
  const host = $('layer-list');
  host.innerHTML = '';
  const p = info.palette;
  const colour = { nature_spaces: p.major, buffer_zones: p.buffer, conflict_points: p.conflict, leisure_hubs: p.hub, itineraries: p.itinerary,
    pinch_points: p.pinch, units: p.unit, corridors: '#2e7d32', reservoirs: '#2e7d32', links: '#2e7d32',
    named_itineraries: kindColour('greenway'), shared_links: p.shared, itinerary_gaps: p.conflict };
  info.layers.slice().reverse().forEach(l => {
    const row = document.createElement('div');
    const shape = l.geometry.includes('Point') ? 'dot' : (l.geometry.includes('Line') ? 'line' : '');
    row.innerHTML = `<label class="layer-row"><input type="checkbox" data-layer="${l.name}" ${vector[l.name].on ? 'checked' : ''}>
      <span class="swatch ${shape}" style="background:${colour[l.name]};border-color:${colour[l.name]}"></span>${esc(t(l.name))}
      <small>(${num(l.features)})</small></label>${legendHTML(l.name)}`;
    host.appendChild(row);
  });
  host.querySelectorAll('input').forEach(i => i.addEventListener('change', () => {
    const v = vector[i.dataset.layer];
    v.on = i.checked;
    if (v.on) { v.layer.addTo(map); refreshVectors(); } else map.removeLayer(v.layer);
  }));
  const rhost = $('raster-list');
  rhost.innerHTML = '';
  info.rasters.forEach(r => {
    const tl = L.tileLayer(r.tiles, { opacity: 0.85, maxZoom: 20, zIndex: 250 });
    const label = r.subnetwork ? `${t(r.kind === 'corridors' ? 'corridorsRaster' : r.kind)} — ${esc(r.subnetwork)}` : t(r.name);
    const ramp = r.ramp ? `<span class="ramp" style="background:linear-gradient(to right,${r.ramp.join(',')})"></span>
      <small>${num(r.min, r.max < 10 ? 3 : 0)} – ${num(r.max, r.max < 10 ? 3 : 0)} ${esc(unitOf(r))}</small>` : `<small>${esc(unitOf(r))}</small>`;
    const row = document.createElement('div');
    row.innerHTML = `<label class="layer-row"><input type="checkbox" data-raster="${r.name}"> ${label}</label><div class="legend-sub">${ramp}</div>`;
    row.querySelector('input').addEventListener('change', e => { if (e.target.checked) tl.addTo(map); else map.removeLayer(tl); });
    rhost.appendChild(row);
  });
  $('files').innerHTML = (info.files || []).map(f => `<a href="/scheme/${f}" target="_blank">${esc(f === 'report.html' ? t('report') : f)}</a>`).join(' · ');
}

// Point query.
function block(title, items) {
  return items.length ? `<div class="q-block"><h4>${esc(title)}</h4>${items.join('')}</div>` : '';
}
function showQuery(q) {
  let html = '';
  html += block(t('space'), q.nature_spaces.map(s => `<p><b>${esc(s.typology_label || s.typology)}</b> — ${num(s.area_ha, 1)} ha, ${esc(s.dominant_class || '')}<br>
    ${s.inventories ? `${t('inventories')}${COLON}${esc(s.inventories)}<br>` : ''}${s.partners ? `${t('partnersOf')}${COLON}${esc(s.partners)}` : ''}
    ${s.leisure_hubs ? `<br>${t('leisure_hubs')}${COLON}${esc(s.leisure_hubs)}` : ''}</p>`));
  html += block(t('reservoirs'), q.reservoirs.map(r => `<p>${esc(r.subnetwork)} n° ${r.reservoir} — ${num(r.area_ha, 1)} ha, dPC ${num(r.dPC || 0, 2)} %</p>`));
  html += block(t('corridors'), q.corridors.map(c => `<p><span class="swatch" style="background:${subColour(c.subnetwork)}"></span>
    <b>${esc(c.subnetwork)}</b>, ${t('link')} ${c.link} : ${t('reservoirsOf')} ${c.from_reservoir} ↔ ${c.to_reservoir} — dPC ${num(c.dPC || 0, 2)} %,
    ${num(c.length_m)} m, ${num(c.mean_width_m)} m</p>`));
  html += block(t('pinch_points'), q.pinch_points.map(p => `<p>${esc(p.subnetwork)} ${t('link')} ${p.link} — ${num(p.mean_current_A, 4)} A</p>`));
  html += block(t('buffer_zones'), q.buffer_zones.map(z => `<p>${esc(z.kind)} — ${num(z.area_ha, 1)} ha ${z.separates ? '(' + esc(z.separates) + ')' : ''} ${esc(z.opening || '')}</p>`));
  html += block(t('units'), q.units.map(u => `<p>${esc(u.level)}${COLON}${esc(u.name)}</p>`));
  if (!q.nature_spaces.length && !q.corridors.length && !q.buffer_zones.length && !q.reservoirs.length) html += `<p>${t('nothing')}</p>`;
  const vals = q.rasters.filter(r => r.value !== null);
  if (vals.length) html += block(t('values'), [`<table>${vals.map(r => `<tr><td>${esc(t(r.kind))} ${esc(r.subnetwork || '')}</td>
    <td class="num">${num(r.value, r.value < 10 ? 3 : 0)}</td><td><small>${esc(unitOf(r))}</small></td></tr>`).join('')}</table>`]);
  const c = q.nearest_conflict_point;
  if (c) html += block(t('nearest'), [`<p>n° ${c.rank} — ${esc(c.kind_label || c.infrastructure)} ${esc(c.name || c.class || '')} (${esc(c.subnetwork)}), ${t('distance')} ${num(c.distance_m)} m</p>`]);
  $('query-result').innerHTML = html;
}

let queryMarker = null;
async function query(ll) {
  try {
    const q = await api(`/api/query?lon=${ll.lng.toFixed(6)}&lat=${ll.lat.toFixed(6)}`);
    showQuery(q);
    if (queryMarker) map.removeLayer(queryMarker);
    queryMarker = L.circleMarker(ll, { radius: 6, color: '#000', weight: 2, fill: false }).addTo(map);
    showTab('here');
  } catch (e) { $('query-result').innerHTML = `<p class="error">${esc(e.message)}</p>`; }
}

// Itineraries.
const picks = { start: null, end: null, loop: null };
const pickMarkers = {};
let armed = null, routeLayer = null;
function arm(which, button) {
  armed = armed === which ? null : which;
  document.querySelectorAll('#tab-itinerary button').forEach(b => b.classList.remove('armed'));
  if (armed) { button.classList.add('armed'); button.textContent = t('clickMap'); }
}
function setPick(which, ll) {
  picks[which] = ll;
  if (pickMarkers[which]) map.removeLayer(pickMarkers[which]);
  pickMarkers[which] = L.circleMarker(ll, { radius: 7, color: '#000', weight: 2, fillColor: which === 'end' ? '#c62828' : '#2e7d32', fillOpacity: 1 }).addTo(map);
  const button = { start: 'pick-start', end: 'pick-end', loop: 'pick-loop' }[which];
  $(button).textContent = `${t(which === 'end' ? 'pickEnd' : 'pickStart')} ✓`;
  $(button).classList.remove('armed');
}
$('pick-start').addEventListener('click', e => arm('start', e.target));
$('pick-end').addEventListener('click', e => arm('end', e.target));
$('pick-loop').addEventListener('click', e => arm('loop', e.target));
$('green').addEventListener('input', e => { $('green-value').textContent = e.target.value; });
map.on('click', e => {
  if (armed) { setPick(armed, e.latlng); armed = null; return; }
  query(e.latlng);
});

function showRoute(r, url) {
  if (routeLayer) map.removeLayer(routeLayer);
  routeLayer = L.geoJSON(r.geometry, { style: { color: '#e65100', weight: 5, opacity: 0.85 } }).addTo(map);
  map.fitBounds(routeLayer.getBounds(), { padding: [30, 30] });
  $('route-result').innerHTML = `<p class="figure">${t('length')}${COLON}${num(r.length_m / 1000, 1)} km · ${t('time')}${COLON}${num(r.minutes)} min
    · ${t('greenShare')}${COLON}${num(r.green_share * 100)} %</p><p><a id="gpx-link" href="${url}&format=gpx" download>${t('gpx')}</a></p>`;
}
async function plan(url) {
  $('route-result').textContent = '…';
  try { showRoute(await api(url), url); } catch (e) { $('route-result').innerHTML = `<p class="error">${esc(e.message)}</p>`; }
}
const fmtLL = ll => `${ll.lng.toFixed(6)},${ll.lat.toFixed(6)}`;
$('go-route').addEventListener('click', () => {
  const hubs = vector.leisure_hubs ? hubList : [];
  const a = $('hub-a').value !== '' ? hubs[$('hub-a').value] : picks.start;
  const b = $('hub-b').value !== '' ? hubs[$('hub-b').value] : picks.end;
  if (!a || !b) { $('route-result').innerHTML = `<p class="error">${t('pickStart')} / ${t('pickEnd')}</p>`; return; }
  plan(`/api/route?from=${fmtLL(a)}&to=${fmtLL(b)}&mode=${$('mode').value}&green=${$('green').value}`);
});
$('go-loop').addEventListener('click', () => {
  if (!picks.loop) { $('route-result').innerHTML = `<p class="error">${t('pickLoopStart')}</p>`; return; }
  plan(`/api/loop?start=${fmtLL(picks.loop)}&length_m=${Math.round($('loop-km').value * 1000)}&mode=${$('mode').value}&green=${$('green').value}`);
});
let hubList = [];
async function loadHubs() {
  if (!info.layers.some(l => l.name === 'leisure_hubs')) return;
  const g = await api('/api/layers/leisure_hubs');
  hubList = g.features.map(f => L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]));
  for (const id of ['hub-a', 'hub-b']) {
    $(id).innerHTML = `<option value="">${t('hubs')}</option>` + g.features.map((f, k) => `<option value="${k}">${esc(f.properties.name)}</option>`).join('');
  }
}

// Figures.
async function loadFigures() {
  const f = await api('/api/figures');
  const unit = k => k.endsWith('_ha') ? ' ha' : k.endsWith('_pct') ? ' %' : k.endsWith('_km') ? ' km' : k.endsWith('_pts') ? ' pts' : '';
  const keys = f.fields.filter(k => !['level', 'name'].includes(k));
  $('figures').innerHTML = f.rows.map(r => `<h4>${esc(r.level)} — ${esc(r.name)}</h4><table>${keys.filter(k => r[k] !== null).map(k =>
    `<tr><td>${esc(k.replace(/_/g, ' '))}</td><td class="num">${num(r[k], 1)}${unit(k)}</td></tr>`).join('')}</table>`).join('');
}

// Named itineraries: the list, each shown on the map and its GPX downloaded.
let highlighted = null;
async function loadNamedItineraries() {
  const host = $('named-itineraries');
  let list = [];
  try { list = (await api('/api/itineraries')).itineraries; } catch (e) { console.warn(e); }
  if (!list.length) { host.innerHTML = ''; return; }
  host.innerHTML = `<h3>${t('named_itineraries')}</h3>` + list.map((it, k) => `<div class="q-block named-itinerary">
    <span class="swatch line" style="background:${kindColour(it.kind)};border-color:${kindColour(it.kind)}"></span>
    <b>${esc(it.name)}</b> <small>${esc(it.kind_label)}, ${esc(it.status_label)}</small><br>
    ${t('length')}${COLON}${num(it.length_m / 1000, 1)} km · ${t('gaps')}${COLON}${num(it.gaps_m)} m · ${t('greenShare')}${COLON}${num(100 * it.green_share)} %
    · ${t('inCorridors')}${COLON}${num(it.shared_m / 1000, 1)} km<br>
    <button data-show="${k}">${t('show')}</button>${it.gpx ? ` <a href="${esc(it.gpx)}" download>${t('gpx')}</a>` : ''}</div>`).join('');
  host.querySelectorAll('button[data-show]').forEach(b => b.addEventListener('click', async () => {
    const it = list[Number(b.dataset.show)];
    if (!it.bbox) return;
    map.fitBounds([[it.bbox[1], it.bbox[0]], [it.bbox[3], it.bbox[2]]], { padding: [20, 20] });
    const g = await api(`/api/layers/named_itineraries?bbox=${it.bbox.map(v => v.toFixed(6)).join(',')}`);
    if (highlighted) map.removeLayer(highlighted);
    highlighted = L.geoJSON({ type: 'FeatureCollection', features: g.features.filter(f => f.properties.name === it.name) },
      { style: () => ({ color: '#000', weight: 7, opacity: 0.35 }) }).addTo(map);
  }));
}

// Partners.
async function loadPartners() {
  const area = $('partner-area');
  $('login').style.display = session ? 'none' : 'block';
  $('account').innerHTML = session ? `${t('signedAs')} ${esc(session.name)} (${esc(session.role)}, ${esc(session.partner)})
    <button id="logout">${t('signOut')}</button>` : '';
  if (session) $('logout').addEventListener('click', async () => { await api('/api/logout', { method: 'POST' }); location.reload(); });
  if (!session) { area.innerHTML = ''; return; }
  const inv = await api('/api/inventories');
  let html = '';
  for (const i of inv.inventories) {
    html += `<div class="q-block"><h4>${esc(i.name)}</h4><small>${esc(i.partner)}</small>`;
    if (i.may_upload) {
      html += `<div class="row"><input type="file" accept=".gpkg,.geojson,.json,.zip" data-inv="${esc(i.name)}"><button data-upload="${esc(i.name)}">${t('upload')}</button></div>`;
      const v = await api(`/api/inventories/${encodeURIComponent(i.name)}/versions`);
      html += v.versions.length ? `<table>${v.versions.map(x => `<tr><td>${session.role === 'admin' ? `<input type="checkbox" data-version="${x.id}">` : ''} v${x.id}</td>
        <td>${esc(x.created_at.replace('T', ' ').slice(0, 16))}</td><td>${esc(x.account)}</td><td class="num">${x.features} sites</td></tr>`).join('')}</table>`
        : `<p class="hint">${t('noVersion')}</p>`;
    }
    html += '</div>';
  }
  if (session.role === 'admin') {
    const runs = await api('/api/runs');
    html += `<button id="rerun">${t('rerun')}</button><h4>${t('runs')}</h4><table>${runs.runs.map(r =>
      `<tr><td>${r.id}</td><td>${esc(r.started_at.replace('T', ' ').slice(0, 16))}</td><td>${esc(r.status)}</td><td>${esc(r.message)}</td></tr>`).join('')}</table>`;
  }
  area.innerHTML = html;
  area.querySelectorAll('button[data-upload]').forEach(b => b.addEventListener('click', async () => {
    const input = area.querySelector(`input[data-inv="${CSS.escape(b.dataset.upload)}"]`);
    if (!input.files.length) return;
    const file = input.files[0];
    try {
      await api(`/api/inventories/${encodeURIComponent(b.dataset.upload)}/versions?filename=${encodeURIComponent(file.name)}`, { method: 'POST', body: file });
      loadPartners();
    } catch (e) { alert(e.message); }
  }));
  const rerun = $('rerun');
  if (rerun) rerun.addEventListener('click', async () => {
    const ids = [...area.querySelectorAll('input[data-version]:checked')].map(c => Number(c.dataset.version));
    try { await api('/api/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uploads: ids }) }); loadPartners(); }
    catch (e) { alert(e.message); }
  });
}
$('login').addEventListener('submit', async e => {
  e.preventDefault();
  try {
    await api('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: $('login-name').value, password: $('login-password').value }) });
    location.reload();
  } catch (err) { $('login-error').textContent = err.message; }
});

async function start() {
  const s = await api('/api/session');
  session = s.account;
  if (s.private && !session) { showTab('partners'); $('partner-area').innerHTML = `<p>${t('privateScheme')}</p>`; loadPartners(); return; }
  info = await api('/api/layers');
  $('title').textContent = info.title;
  document.title = info.title + ' — Trame';
  if (info.base_map) L.tileLayer(info.base_map.url, { attribution: info.base_map.attribution, maxZoom: 19 }).addTo(map);
  info.layers.forEach(l => makeVector(l.name));
  buildLayerList();
  const e = info.extent;
  map.fitBounds([[e[1], e[0]], [e[3], e[2]]]);
  map.on('moveend', refreshVectors);
  await refreshVectors();
  loadHubs(); loadFigures(); loadPartners();
  loadNamedItineraries();
  if (!info.routing.length) $('routing-tools').innerHTML = '<p class="hint">—</p>';
}
start().catch(e => { document.body.insertAdjacentHTML('beforeend', `<p class="error" style="position:absolute;top:0;left:0;background:#fff">${esc(e.message)}</p>`); });
