// What postgres-global-setup.ts provides to the test files (a type-only module).
declare module 'vitest' {
  export interface ProvidedContext {
    /** The maintenance database of this run's PostgreSQL server; null when PostgreSQL is not installed (outside CI). */
    postgresUrl: string | null;
  }
}

export {};
