import type { NotificationSettingsApi } from '../core/api/notification-settings-api.ts';

/** The query keys of the notification settings screen. */
export const notificationSettingsKey = ['notification-settings'] as const;
export const pushDevicesKey = ['push-subscriptions'] as const;

export const notificationSettingsQuery = (api: NotificationSettingsApi) => ({
  queryKey: notificationSettingsKey,
  queryFn: ({ signal }: { signal: AbortSignal }) => api.getNotificationSettings(signal),
  // The form starts from what is loaded once; refetching under it would only cost requests.
  staleTime: Infinity,
});

export const pushDevicesQuery = (api: NotificationSettingsApi) => ({
  queryKey: pushDevicesKey,
  queryFn: ({ signal }: { signal: AbortSignal }) => api.listPushSubscriptions(signal),
});
