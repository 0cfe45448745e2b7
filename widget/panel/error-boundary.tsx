import { Component, type ReactNode } from 'react';

interface Props {
  message: string;
  onError(error: unknown): void;
  children: ReactNode;
}

/** A rendering bug stays inside the panel: it says so, and the host page is told through `error`. */
export class PanelErrorBoundary extends Component<Props, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  override componentDidCatch(error: unknown) {
    this.props.onError(error);
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <p role="alert" className="m-4 text-sm text-ama-danger">
        {this.props.message}
      </p>
    );
  }
}
