import type { Metadata } from 'next';
import './globals.css';
import { Toaster } from 'sonner';
import { HydrationMarker } from '@/components/shell/hydration-marker';

export const metadata: Metadata = {
  title: { default: 'Switchboard', template: '%s · Switchboard' },
  description: 'Who may do what, in which channel, over which agents.',
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <HydrationMarker />
        {children}
        {/* One toaster for every mutation's result (lib/query/action-mutation.ts); sonner's region is a labelled live region. */}
        <Toaster position="bottom-right" closeButton richColors toastOptions={{ closeButtonAriaLabel: 'Dismiss notification' }} />
      </body>
    </html>
  );
}
