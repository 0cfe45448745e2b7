import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useStrings } from '../i18n/locale-store.ts';

interface Props {
  /** What the panel is, for the message ("the thread list"), in the active language. */
  name: string;
  children: ReactNode;
}

/** Catches a failing panel so the rest of the app keeps working; says so in words and offers a retry. */
export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(`The ${this.props.name} failed:`, error.message, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return <Failed name={this.props.name} error={this.state.error} onRetry={() => this.setState({ error: null })} />;
  }
}

/** The boundary's message, a function component so it can read the active language. */
function Failed({ name, error, onRetry }: { name: string; error: Error; onRetry(): void }) {
  const t = useStrings();
  return (
    <div
      role="alert"
      className="m-4 rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
    >
      <p className="font-medium">{t.common.somethingWentWrong(name)}</p>
      <p className="mt-1">{error.message}</p>
      <button type="button" className="mt-2 rounded bg-red-700 px-3 py-1 text-white" onClick={onRetry}>
        {t.common.tryAgain}
      </button>
    </div>
  );
}
