/** The skyeval version, recorded in every run. */
export const VERSION = "0.1.0";
