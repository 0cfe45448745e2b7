import { EMPTY_VISITOR, loadVisitor, removeVisitor, saveVisitor, type VisitorRecord } from '../shared/visitor-store.ts';

/**
 * The visitor record of one server and agent (visitor-store.ts) as this panel holds it:
 * read once at start, written on every change (the other tabs of the site hear it).
 */
export class StoredVisitor {
  record: VisitorRecord;

  constructor(
    private readonly key: string,
    private readonly storage: Storage | null,
  ) {
    this.record = loadVisitor(key, storage);
  }

  /** Changes the record; `save`: false when another tab saved it already (saving again would echo back). */
  update(patch: Partial<VisitorRecord>, save = true): void {
    this.record = { ...this.record, ...patch };
    if (save) this.save();
  }

  save(): void {
    saveVisitor(this.key, this.record, this.storage);
  }

  /** Nobody is known any more: the record goes from storage, and this copy is empty. */
  forget(): void {
    this.record = { ...EMPTY_VISITOR };
    removeVisitor(this.key, this.storage);
  }
}
