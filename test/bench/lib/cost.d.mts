/** Types of cost.mjs for the Worker test that keeps STORAGE_COST true. */
export declare const STORAGE_COST: {
  conversationRowsWrittenPerMessage: number;
  conversationRowsReadPerMessage: number;
  siteRowsWrittenPerSummary: number;
  siteRowsReadPerSummary: number;
};
export declare const PREVIEW_LINK_MS: number;
