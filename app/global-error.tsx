'use client';

export default function GlobalError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body>
        <main role="alert" style={{ maxWidth: 560, margin: '40px auto', fontFamily: 'system-ui' }}>
          <h1>Something went wrong</h1>
          <p>Nothing was changed. Try again.</p>
          <button type="button" onClick={reset}>
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
