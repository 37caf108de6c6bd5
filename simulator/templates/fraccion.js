/* IPOMEX 3 (simulado): llena #registros de una fracción a partir de su JSON. ES5, sin dependencias. */
(function () {
  'use strict';
  var ENCABEZADOS = {
    ejercicio: 'Ejercicio',
    fecha_inicio: 'Fecha de inicio del periodo que se informa',
    fecha_termino: 'Fecha de término del periodo que se informa',
    fecha_actualizacion: 'Fecha de actualización',
    fecha_validacion: 'Fecha de validación',
    area: 'Área(s) responsable(s)',
    nota: 'Nota',
    documentos: 'Documentos'
  };
  var ERROR = '<div class="error">Ocurrió un error al consultar la información.</div>';
  var SIN_REGISTROS = '<div class="sin-registros">No se ha registrado información para esta fracción.</div>';
  var script = document.currentScript;
  var destino = document.getElementById('registros');
  var fuente = (script && script.getAttribute('data-fuente')) || destino.getAttribute('data-fuente');

  function esc(texto) {
    return String(texto === null || texto === undefined ? '' : texto)
      .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }

  function celda(clave, registro) {
    if (clave !== 'documentos') {
      return esc(registro[clave]);
    }
    var enlaces = [];
    for (var i = 0; i < registro.documentos.length; i++) {
      var doc = registro.documentos[i];
      enlaces.push('<a href="' + esc(doc.url) + '" target="_blank">' + esc(doc.nombre) + '</a>');
    }
    return enlaces.join('<br>');
  }

  function tabla(datos) {
    var columnas = datos.columnas;
    var html = '<table class="registros"><thead><tr>';
    for (var c = 0; c < columnas.length; c++) {
      html += '<th>' + esc(ENCABEZADOS[columnas[c]]) + '</th>';
    }
    html += '</tr></thead><tbody>';
    for (var r = 0; r < datos.registros.length; r++) {
      html += '<tr>';
      for (var k = 0; k < columnas.length; k++) {
        html += '<td>' + celda(columnas[k], datos.registros[r]) + '</td>';
      }
      html += '</tr>';
    }
    return html + '</tbody></table>';
  }

  function mostrar(html, estado) {
    destino.innerHTML = html;
    destino.setAttribute('data-estado', estado);
  }

  function recibir(xhr) {
    var datos;
    if (xhr.status !== 200) {
      mostrar(ERROR, 'error');
      return;
    }
    try {
      datos = JSON.parse(xhr.responseText);
    } catch (e) {
      mostrar(ERROR, 'error');
      return;
    }
    if (!datos.aplica) {
      mostrar('<div class="no-aplica"><strong>No aplica</strong> <p>' + esc(datos.justificacion) + '</p></div>', 'listo');
    } else if (!datos.registros.length) {
      mostrar(SIN_REGISTROS, 'listo');
    } else {
      mostrar(tabla(datos), 'listo');
    }
  }

  var xhr = new XMLHttpRequest();
  xhr.open('GET', fuente, true);
  xhr.setRequestHeader('Accept', 'application/json');
  xhr.onload = function () { recibir(xhr); };
  xhr.onerror = function () { mostrar(ERROR, 'error'); };
  xhr.send();
}());
