export declare const NODE_FLAGS: readonly string[];
export declare const REEXEC_ENV: string;
export declare function missingNodeFlags(execArgv: readonly string[], env: Record<string, string | undefined>): string[];
