import assert from 'node:assert/strict';
import { test } from 'node:test';
import { htmlToText } from './html-text.ts';

test('script, style, head and comments go with their content; tags go, their text stays', () => {
  assert.equal(
    htmlToText(
      '<HTML><HEAD><TITLE>t</TITLE></HEAD><BODY><SCRIPT type="x">evil()</SCRIPT><Style>p{}</Style>' +
        '<p>Bonjour <b>Madame</b>,</p><!-- caché --><div>Ligne&nbsp;2<br/>Ligne 3</div></BODY></HTML>',
    ),
    'Bonjour Madame,\n\nLigne 2\nLigne 3',
  );
  assert.equal(htmlToText('avant<!-- jamais fermé <p>secret</p>'), 'avant');
  assert.equal(
    htmlToText('<ul><li>un</li><li>deux</li></ul><table><tr><td>a</td><td>b</td></tr></table>'),
    '- un\n- deux\n\na b',
  );
});

test('entities: named, decimal, hexadecimal; invalid code points and unknown names are harmless', () => {
  assert.equal(
    htmlToText('&eacute;t&eacute; &#233; &#xE9; &euro; &lt;b&gt; &amp;amp;'),
    'été é é € <b> &amp;',
  );
  assert.equal(htmlToText('a&#xD800;b&#0;c&#x110000;d'), 'abcd');
  assert.equal(htmlToText('&unknown; &#65'), '&unknown; &#65');
  // Decoded markup stays text: it is never read as a tag again.
  assert.equal(htmlToText('&lt;script&gt;alert(1)&lt;/script&gt;'), '<script>alert(1)</script>');
});
