import { describe, expect, it } from 'vitest';
import { PresenceView } from './presence-view.ts';

describe('PresenceView', () => {
  it('announces a sender once however many nodes have them, and unfocuses when the last one lets go', () => {
    const view = new PresenceView();
    expect(view.set('n1', 't', 'user:a', true)).toEqual({ threadId: 't', senderId: 'user:a', status: 'focused' });
    expect(view.set('n2', 't', 'user:a', true)).toBeNull();
    expect(view.set('n1', 't', 'user:a', true)).toBeNull();
    expect(view.viewers('t')).toEqual(['user:a']);
    expect(view.set('n1', 't', 'user:a', false)).toBeNull();
    expect(view.set('n2', 't', 'user:a', false)).toEqual({ threadId: 't', senderId: 'user:a', status: 'unfocused' });
    expect(view.viewers('t')).toEqual([]);
    expect(view.set('n2', 't', 'user:a', false)).toBeNull();
  });

  it('drops a dead node: its senders are unfocused unless another node has them', () => {
    const view = new PresenceView();
    view.set('n1', 't', 'user:a', true);
    view.set('n1', 't', 'user:b', true);
    view.set('n2', 't', 'user:b', true);
    expect(view.dropNode('n1')).toEqual([{ threadId: 't', senderId: 'user:a', status: 'unfocused' }]);
    expect(view.viewers('t')).toEqual(['user:b']);
  });

  it('replaces a node with its snapshot, reporting only what changed', () => {
    const view = new PresenceView();
    view.set('n1', 't1', 'user:a', true);
    view.set('n1', 't2', 'user:a', true);
    const changes = view.replaceNode('n1', [
      ['t2', 'user:a'],
      ['t3', 'user:c'],
    ]);
    expect(changes).toEqual([
      { threadId: 't3', senderId: 'user:c', status: 'focused' },
      { threadId: 't1', senderId: 'user:a', status: 'unfocused' },
    ]);
    expect(view.entriesOf('n1')).toEqual([
      ['t2', 'user:a'],
      ['t3', 'user:c'],
    ]);
  });
});
