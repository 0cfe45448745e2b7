// The documented stub: calls made before widget.js has loaded are queued and replayed.
window.AMA2Chat = window.AMA2Chat || new Proxy({ q: [] }, { get: (t, k) => (k in t ? t[k] : (...a) => t.q.push([k, a])) });

const log = (text) => {
  const element = document.getElementById('events');
  if (element) element.textContent = text;
};
window.AMA2Chat.on('ready', () => log('The widget is ready.'));
window.AMA2Chat.on('unread', ({ count }) => log(`${count} unread message(s).`));
window.AMA2Chat.on('error', ({ code, message }) => log(`Widget error (${code}): ${message}`));
document.getElementById('open-chat')?.addEventListener('click', () => window.AMA2Chat.open());
document.getElementById('identify')?.addEventListener('click', () => window.AMA2Chat.identify({ email: 'ada@example.com', name: 'Ada' }));
