// Types of path-aliases.mjs, for the TypeScript configs that import it.
export declare const PATH_ALIASES: { find: string; replacement: string }[];
export declare function resolveAlias(specifier: string): string | null;
export declare function viteAliases(): { find: RegExp; replacement: string }[];
