import { planRealisticAccount } from './realistic-account.builder';

describe('planRealisticAccount', () => {
  it('builds the requested state: contacts, chats (groups included), messages spread over every chat', () => {
    const plan = planRealisticAccount('5511977000001', { contacts: 300, chats: 100, messages: 3000, groups: 10, groupSize: 8 });
    expect(plan.contactPhones).toHaveLength(300);
    expect(plan.history.contacts).toHaveLength(300);
    expect(plan.history.chats).toHaveLength(100);
    expect(plan.groups).toHaveLength(10);
    expect(plan.history.messages).toHaveLength(3000);
    const chatIds = new Set(plan.history.chats!.map((c) => c.id));
    const used = new Set(plan.history.messages!.map((m) => m.key.remoteJid));
    expect(used).toEqual(chatIds);
    for (const g of plan.groups) {
      expect(chatIds.has(g.id)).toBe(true);
      expect(g.members).toContain(g.owner);
      expect(new Set(g.members).size).toBe(g.members.length);
    }
    // group messages from others name their sender; 1:1 messages do not
    const inGroup = plan.history.messages!.filter((m) => m.key.remoteJid.endsWith('@g.us') && !m.key.fromMe);
    expect(inGroup.length).toBeGreaterThan(0);
    expect(inGroup.every((m) => m.key.participant?.endsWith('@s.whatsapp.net'))).toBe(true);
    expect(new Set(plan.history.messages!.map((m) => m.key.id)).size).toBe(3000);
  });

  it('is deterministic, so runs compare like with like; group ids depend on the account', () => {
    const a = planRealisticAccount('5511977000001', { messages: 500 });
    const b = planRealisticAccount('5511977000001', { messages: 500 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const other = planRealisticAccount('5511977000002', { messages: 500 });
    expect(other.groups[0].id).not.toBe(a.groups[0].id);
    // contacts come from one shared pool, away from the fake's own account numbers
    expect(other.contactPhones).toEqual(a.contactPhones);
    expect(a.contactPhones.some((p) => p.startsWith('55119000'))).toBe(false);
  });
});
