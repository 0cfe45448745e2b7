import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { NotificationPermission } from './notification-permission.tsx';

const original = Object.getOwnPropertyDescriptor(window, 'Notification');

/** A stand-in for the browser's Notification API: the permission and what the prompt answers. */
function fakeNotification(permission: NotificationPermission, answer: NotificationPermission = permission) {
  const fake = {
    permission,
    requestPermission: () => {
      fake.permission = answer;
      return Promise.resolve(answer);
    },
  };
  Object.defineProperty(window, 'Notification', { configurable: true, writable: true, value: fake });
}

afterEach(() => {
  cleanup();
  if (original) Object.defineProperty(window, 'Notification', original);
  else delete (window as { Notification?: unknown }).Notification;
});

describe('NotificationPermission', () => {
  it('asks only when the button is clicked, then says they are on', async () => {
    fakeNotification('default', 'granted');
    render(<NotificationPermission />);
    const button = screen.getByRole('button', { name: 'Enable notifications' });
    await act(async () => {
      fireEvent.click(button);
      await Promise.resolve();
    });
    expect(screen.getByText('Desktop notifications are on.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Enable notifications' })).toBeNull();
  });

  it('says when they are blocked, and how to allow them again', async () => {
    fakeNotification('default', 'denied');
    render(<NotificationPermission />);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Enable notifications' }));
      await Promise.resolve();
    });
    expect(screen.getByText('Desktop notifications are blocked.')).toBeTruthy();
    expect(screen.getByText(/open this site’s settings in your browser/)).toBeTruthy();
  });

  it('says when the browser has none', () => {
    delete (window as { Notification?: unknown }).Notification;
    render(<NotificationPermission />);
    expect(screen.getByText('This browser does not support desktop notifications.')).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
  });
});
