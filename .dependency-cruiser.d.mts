// Types for the layering config, which test/unit/layering/rules.test.ts imports.
import type { IConfiguration } from 'dependency-cruiser';

export declare const COMPOSITION_ROOT: string;
export declare const ADAPTER_MAY_IMPORT: string[];
declare const config: IConfiguration;
export default config;
