import type { Metadata } from 'next';
import './globals.css';
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
      </body>
    </html>
  );
}
