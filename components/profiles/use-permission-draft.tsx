'use client';

import { useMemo, useState } from 'react';
import type { ProfilePermissionRow } from '@/lib/dal';
import { closeOverRequires, dependentsOf, diffKeys } from '@/lib/permissions/profile-rules';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { PermissionToggleList } from './permission-toggle-list';

/**
 * A draft set of permissions being edited, for a profile or a role's defaults: switching one on
 * brings its prerequisites ("added because of …"); switching off one others need asks first;
 * "Restore defaults" shows what it changes before it changes the draft. Nothing is saved here.
 */
export function usePermissionDraft({
  rows,
  initial,
  defaults,
  saved,
  core,
  roleName,
  onChange,
}: {
  rows: ProfilePermissionRow[];
  initial: readonly string[];
  defaults: readonly string[];
  saved: readonly string[];
  core: { key: string; name: string }[];
  roleName: string;
  onChange?: (message: string | null) => void;
}) {
  const rules = useMemo(() => ({ permissions: rows, permissionByKey: new Map(rows.map((r) => [r.key, r])) }), [rows]);
  const nameOf = useMemo(() => new Map(rows.map((p) => [p.key, p.name])), [rows]);
  const savedSet = useMemo(() => new Set(saved), [saved]);
  const [enabled, setEnabled] = useState<Set<string>>(() => new Set(initial));
  const [addedBecause, setAddedBecause] = useState<Map<string, string>>(new Map());
  const [pendingOff, setPendingOff] = useState<{ key: string; dependents: string[] } | null>(null);
  const [restoreOpen, setRestoreOpen] = useState(false);

  const turnOn = (key: string) => {
    const { keys, addedBecause: because } = closeOverRequires(rules, [...enabled, key]);
    setEnabled(keys);
    setAddedBecause((prev) => {
      const next = new Map(prev);
      for (const [k, v] of because) if (!enabled.has(k)) next.set(k, v);
      return next;
    });
  };
  const turnOff = (keys: string[]) => {
    setEnabled((prev) => new Set([...prev].filter((k) => !keys.includes(k))));
    setAddedBecause((prev) => new Map([...prev].filter(([k]) => !keys.includes(k))));
  };
  const onToggle = (key: string, on: boolean) => {
    onChange?.(null);
    if (on) return turnOn(key);
    const dependents = dependentsOf(rules, key, enabled);
    if (dependents.length) setPendingOff({ key, dependents });
    else turnOff([key]);
  };
  const restoreDiff = diffKeys(enabled, defaults);

  const restoreButton = (
    <Button
      variant="secondary"
      onClick={() =>
        restoreDiff.added.length || restoreDiff.removed.length ? setRestoreOpen(true) : onChange?.('The permissions are already at the role defaults.')
      }
    >
      Restore defaults
    </Button>
  );

  const list = (
    <>
      <PermissionToggleList
        core={core}
        roleName={roleName}
        rows={rows}
        enabled={enabled}
        saved={savedSet}
        addedBecause={addedBecause}
        nameOf={nameOf}
        onToggle={onToggle}
      />
      <ConfirmDialog
        open={pendingOff !== null}
        onOpenChange={(open) => !open && setPendingOff(null)}
        title={`Turn off "${pendingOff ? nameOf.get(pendingOff.key) : ''}"?`}
        confirmLabel="Turn them off too"
        onConfirm={() => {
          if (pendingOff) turnOff([pendingOff.key, ...pendingOff.dependents]);
          setPendingOff(null);
        }}
      >
        <p>These permissions need it and would be turned off with it:</p>
        <ul className="list-disc pl-5">
          {pendingOff?.dependents.map((k) => (
            <li key={k}>{nameOf.get(k)}</li>
          ))}
        </ul>
      </ConfirmDialog>
      <ConfirmDialog
        open={restoreOpen}
        onOpenChange={setRestoreOpen}
        title="Restore the role defaults?"
        confirmLabel="Restore"
        onConfirm={() => {
          setEnabled(new Set(defaults));
          setAddedBecause(new Map());
          setRestoreOpen(false);
          onChange?.('Restored the role defaults. Nothing is saved until you save.');
        }}
      >
        <p>This changes the draft only; nothing is saved yet.</p>
        {restoreDiff.added.length ? (
          <>
            <p className="font-medium">Turns on:</p>
            <ul className="list-disc pl-5">
              {restoreDiff.added.map((k) => (
                <li key={k}>{nameOf.get(k)}</li>
              ))}
            </ul>
          </>
        ) : null}
        {restoreDiff.removed.length ? (
          <>
            <p className="font-medium">Turns off:</p>
            <ul className="list-disc pl-5">
              {restoreDiff.removed.map((k) => (
                <li key={k}>{nameOf.get(k)}</li>
              ))}
            </ul>
          </>
        ) : null}
      </ConfirmDialog>
    </>
  );

  return { draft: [...enabled].sort(), reset: () => setAddedBecause(new Map()), restoreButton, list };
}
