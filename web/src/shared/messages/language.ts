/**
 * What a language file gives: its code (a BCP 47 tag, also the document's lang), its name as the
 * switch shows it (in itself), the browser languages it answers (lower-case tags or their leading
 * subtags: the longest match wins), and every message.
 */
export interface Language<Key extends string = string> {
  readonly code: string;
  readonly name: string;
  readonly navigator: readonly string[];
  readonly messages: Readonly<Record<Key, string>>;
}
