import type { Environment } from '../environment/environment.ts';

/** An environment a test drives: online and visibility are switches, frames run on demand. */
export class FakeEnvironment implements Environment {
  online = true;
  visible = true;
  private readonly onlineListeners = new Set<(online: boolean) => void>();
  private readonly visibilityListeners = new Set<(visible: boolean) => void>();
  private frames: (() => void)[] = [];
  /** Run frame callbacks at once instead of waiting for {@link runFrame}. */
  immediateFrames = false;

  constructor(private readonly randomValue: () => number = () => 0.5) {}

  isOnline = () => this.online;
  isVisible = () => this.visible;
  now = () => Date.now();
  random = () => this.randomValue();

  onOnlineChange(listener: (online: boolean) => void) {
    this.onlineListeners.add(listener);
    return () => this.onlineListeners.delete(listener);
  }

  onVisibilityChange(listener: (visible: boolean) => void) {
    this.visibilityListeners.add(listener);
    return () => this.visibilityListeners.delete(listener);
  }

  nextFrame(callback: () => void) {
    if (this.immediateFrames) callback();
    else this.frames.push(callback);
  }

  /** Runs the callbacks queued for the next frame; returns how many ran. */
  runFrame(): number {
    const due = this.frames;
    this.frames = [];
    for (const callback of due) callback();
    return due.length;
  }

  setOnline(online: boolean) {
    this.online = online;
    for (const listener of this.onlineListeners) listener(online);
  }

  setVisible(visible: boolean) {
    this.visible = visible;
    for (const listener of this.visibilityListeners) listener(visible);
  }
}
