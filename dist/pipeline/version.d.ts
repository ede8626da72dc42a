/** The package version: written into every manifest row and salted into every pipeline hash. */
export declare const BIRDCALL_VERSION: string;
