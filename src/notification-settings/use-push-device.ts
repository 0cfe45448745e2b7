import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import type { NotificationSettingsApi } from '../core/api/notification-settings-api.ts';
import { pushDevicesKey } from './notification-settings-queries.ts';
import {
  detectPushState,
  disablePush,
  enablePush,
  forgetThisDevice,
  readStoredDevice,
  type PushState,
  type StoredDevice,
} from './push-device.ts';

export interface PushDevice {
  state: PushState;
  /** This browser's subscription as the server lists it, when it has one. */
  stored: StoredDevice | null;
  enable(): void;
  disable(): void;
  /** This device was removed from the list: the browser drops its subscription too. */
  removedThisDevice(): Promise<void>;
}

/** Push on this browser for the settings screen: its state, kept in step with the devices list. */
export function usePushDevice(api: NotificationSettingsApi, userId: string): PushDevice {
  const queryClient = useQueryClient();
  const [state, setState] = useState<PushState>({ kind: 'checking' });
  const [stored, setStored] = useState(() => readStoredDevice(userId));

  useEffect(() => {
    let live = true;
    void detectPushState().then((next) => live && setState(next));
    return () => {
      live = false;
    };
  }, []);

  const run = useCallback(
    (busy: PushState, action: () => Promise<PushState>) => {
      setState(busy);
      void action().then((next) => {
        setState(next);
        setStored(readStoredDevice(userId));
        void queryClient.invalidateQueries({ queryKey: pushDevicesKey });
      });
    },
    [queryClient, userId],
  );

  return {
    state,
    stored,
    enable: () => run({ kind: 'enabling' }, () => enablePush(api, userId)),
    disable: () => run({ kind: 'disabling' }, () => disablePush(api, userId)),
    removedThisDevice: async () => {
      await forgetThisDevice();
      setStored(null);
      setState(await detectPushState());
    },
  };
}
