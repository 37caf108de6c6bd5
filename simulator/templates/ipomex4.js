/* IPOMEX 4 (simulado): aplicación de una sola página con rutas #/obligaciones/<id>[/<obligación>]. ES2017. */
(function () {
  'use strict';
  const API = '/ipomex/api/v1/sujetos';
  const app = document.getElementById('app');
  const COLUMNAS = [
    ['ejercicio', 'Ejercicio'],
    ['fecha_inicio', 'Fecha de inicio del periodo que se informa'],
    ['fecha_termino', 'Fecha de término del periodo que se informa'],
    ['fecha_actualizacion', 'Fecha de actualización'],
    ['fecha_validacion', 'Fecha de validación'],
    ['area_responsable', 'Área(s) responsable(s)'],
    ['nota', 'Nota'],
    ['documentos', 'Documentos']
  ];
  const ERROR = '<div class="error">Ocurrió un error al consultar la información.</div>';

  function esc(texto) {
    return String(texto === null || texto === undefined ? '' : texto)
      .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }

  function mostrar(html, estado) {
    app.innerHTML = html;
    app.setAttribute('data-estado', estado);
  }

  async function pedir(ruta) {
    const respuesta = await fetch(API + ruta, { headers: { Accept: 'application/json' } });
    let cuerpo = null;
    try { cuerpo = await respuesta.json(); } catch (e) { cuerpo = null; }
    return { status: respuesta.status, cuerpo: cuerpo };
  }

  function captcha(cuerpo) {
    const clave = cuerpo && cuerpo.sitekey ? cuerpo.sitekey : '';
    return '<div class="captcha"><p>Verifique que no es un robot para consultar la información.</p>' +
      '<div class="g-recaptcha" data-sitekey="' + esc(clave) + '"></div></div>';
  }

  function etiqueta(o) {
    return 'Artículo ' + esc(o.articulo) + ', fracción ' + esc(o.fraccion) + '. ' + esc(o.titulo);
  }

  function fecha(iso) {
    return iso ? iso.split('-').reverse().join('/') : '';
  }

  function celda(clave, r) {
    if (clave === 'documentos') {
      return r.documentos.map(function (d) {
        return '<a href="' + esc(d.url) + '" target="_blank">' + esc(d.nombre) + '</a>';
      }).join('<br>');
    }
    return clave.indexOf('fecha_') === 0 ? fecha(r[clave]) : esc(r[clave]);
  }

  function tabla(registros) {
    const cabeza = COLUMNAS.map(function (c) { return '<th>' + esc(c[1]) + '</th>'; }).join('');
    const filas = registros.map(function (r) {
      return '<tr>' + COLUMNAS.map(function (c) { return '<td>' + celda(c[0], r) + '</td>'; }).join('') + '</tr>';
    }).join('');
    return '<table class="registros"><thead><tr>' + cabeza + '</tr></thead><tbody>' + filas + '</tbody></table>';
  }

  async function inicio() {
    const r = await pedir('');
    if (r.status !== 200) { mostrar(ERROR, 'error'); return; }
    const items = r.cuerpo.sujetos.map(function (s) {
      return '<li><a href="#/obligaciones/' + esc(s.id) + '">' + esc(s.nombre) + '</a></li>';
    }).join('');
    mostrar('<h1>Sujetos obligados</h1><ul class="sujetos">' + items + '</ul>', 'listo');
  }

  async function lista(id) {
    const s = await pedir('/' + encodeURIComponent(id));
    if (s.status !== 200) { mostrar(ERROR, 'error'); return; }
    const r = await pedir('/' + encodeURIComponent(id) + '/obligaciones');
    const titulo = '<h1 class="sujeto">' + esc(s.cuerpo.nombre) + '</h1>';
    if (r.status === 403) { mostrar(titulo + captcha(r.cuerpo), 'captcha'); return; }
    if (r.status !== 200) { mostrar(titulo + ERROR, 'error'); return; }
    const items = r.cuerpo.obligaciones.map(function (o) {
      const marca = o.aplica ? '' : ' <span class="etiqueta-no-aplica">No aplica</span>';
      return '<li class="obligacion' + (o.aplica ? '' : ' no-aplica') + '" data-id="' + esc(o.id) +
        '" data-fraccion="' + esc(o.fraccion) + '"><a href="#/obligaciones/' + esc(id) + '/' + esc(o.id) + '">' +
        etiqueta(o) + '</a>' + marca + '</li>';
    }).join('');
    mostrar(titulo + '<h2>Obligaciones de transparencia</h2><ul class="obligaciones">' + items + '</ul>', 'listo');
  }

  function contenido(r, obligacion) {
    if (r.status === 403) { return { html: captcha(r.cuerpo), estado: 'captcha' }; }
    if (r.status !== 200) { return { html: ERROR, estado: 'error' }; }
    if (!obligacion.aplica) {
      return { html: '<div class="no-aplica"><strong>No aplica</strong> <p>' + esc(obligacion.justificacion) +
        '</p></div>', estado: 'listo' };
    }
    if (!r.cuerpo.registros.length) {
      return { html: '<div class="sin-registros">No se ha registrado información para esta fracción.</div>',
        estado: 'listo' };
    }
    return { html: tabla(r.cuerpo.registros), estado: 'listo' };
  }

  async function registros(id, obl) {
    const base = '/' + encodeURIComponent(id) + '/obligaciones';
    const lista = await pedir(base);
    if (lista.status === 403) { mostrar(captcha(lista.cuerpo), 'captcha'); return; }
    if (lista.status !== 200) { mostrar(ERROR, 'error'); return; }
    const obligacion = lista.cuerpo.obligaciones.find(function (o) { return o.id === obl; });
    if (!obligacion) { mostrar('<div class="error">No se encontró la obligación.</div>', 'error'); return; }
    const r = await pedir(base + '/' + encodeURIComponent(obl) + '/registros');
    const parte = contenido(r, obligacion);
    mostrar('<h1 class="sujeto">' + esc(lista.cuerpo.sujeto.nombre) + '</h1><h2 class="fraccion">' +
      etiqueta(obligacion) + '</h2><p><a href="#/obligaciones/' + esc(id) + '">Volver a las obligaciones</a></p>' +
      '<div id="registros">' + parte.html + '</div>', parte.estado);
  }

  async function enrutar() {
    const partes = location.hash.replace(/^#\/?/, '').split('/');
    mostrar('<p class="cargando">Cargando…</p>', 'cargando');
    try {
      if (partes[0] === 'obligaciones' && partes[1] && partes[2]) {
        await registros(partes[1], partes[2]);
      } else if (partes[0] === 'obligaciones' && partes[1]) {
        await lista(partes[1]);
      } else {
        await inicio();
      }
    } catch (e) {
      mostrar(ERROR, 'error');
    }
  }

  window.addEventListener('hashchange', enrutar);
  enrutar();
}());
