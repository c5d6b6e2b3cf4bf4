import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorText } from './ErrorMessage.tsx';

interface Props {
  /** What failed, as a heading: "The Chat panel failed". */
  title: string;
  /** What the reader can do besides trying again (export what is there, start afresh). */
  actions?: ReactNode;
  children: ReactNode;
}

/**
 * A failure while drawing a part of the page shows here, with its message and a way out, instead of
 * blanking everything around it. Give it a `key` that changes with what it shows to start afresh.
 */
export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(`[${this.props.title}]`, error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="error-panel" role="alert">
        <h2>{this.props.title}</h2>
        <ErrorText message={this.state.error.message} />
        <div className="toolbar">
          <button type="button" onClick={() => this.setState({ error: null })}>
            Try again
          </button>
          {this.props.actions}
        </div>
      </div>
    );
  }
}
