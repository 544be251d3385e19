/** The page the browser shows while the citizen approves in the app: QR code, short code, and a wait. */
export function loginPage(input: {
  readonly uid: string;
  readonly eServiceName: string;
  readonly shortCode: string;
  /** An SVG document, drawn by us: safe to inline. */
  readonly qrSvg: string;
  readonly qrPayload: string;
  readonly claims: readonly string[];
  readonly expiresAt: string;
  readonly demoAppUrl?: string;
}): string {
  const e = escapeHtml;
  const claims = input.claims.length
    ? `<p>It asks you to share: <strong>${input.claims.map(e).join(', ')}</strong>. You choose in the app.</p>`
    : '<p>It asks for no personal data, only that you log in.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Log in with iAM Smart</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 2rem auto; padding: 0 1rem; color: #1b2a3a; }
  .code { font: 700 2rem ui-monospace, monospace; letter-spacing: .3rem; }
  .qr svg { width: 240px; height: 240px; }
  .status { padding: .75rem; background: #eef4fb; border-radius: .5rem; }
</style></head>
<body>
  <h1>Log in to ${e(input.eServiceName)}</h1>
  ${claims}
  <p>Scan this code with the iAM Smart app, or enter the code below in the app.</p>
  <div class="qr" role="img" aria-label="QR code of the login request">${input.qrSvg}</div>
  <p class="code" data-testid="short-code">${e(input.shortCode)}</p>
  <p><a href="${e(input.qrPayload)}">On this phone? Open the app</a></p>
  ${input.demoAppUrl ? `<p>No app? <a href="${e(input.demoAppUrl)}" target="_blank" id="simulator">Open the app simulator</a> and enter the code.</p>` : ''}
  <p class="status" role="status" id="status">Waiting for your approval in the app…</p>
  <form method="post" action="/interaction/${e(input.uid)}/abort"><button>Cancel</button></form>
  <script>
    const statusUrl = ${JSON.stringify(`/interaction/${input.uid}/status`)};
    const continueUrl = ${JSON.stringify(`/interaction/${input.uid}/continue`)};
    async function poll() {
      try {
        const response = await fetch(statusUrl, { headers: { accept: 'application/json' } });
        const { state } = await response.json();
        if (state !== 'pending') {
          document.getElementById('status').textContent = state === 'approved' ? 'Approved, continuing…' : 'Finishing…';
          window.location.assign(continueUrl);
          return;
        }
      } catch {}
      setTimeout(poll, 1000);
    }
    poll();
  </script>
</body></html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
