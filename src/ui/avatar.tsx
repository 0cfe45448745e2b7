/** Initials in a circle; agents and visitors get their own colours so the kind of sender shows at a glance. */
export function Avatar({ name, senderId, size = 'md' }: { name: string; senderId: string; size?: 'sm' | 'md' }) {
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join('');
  const tone = senderId.startsWith('agent:')
    ? 'bg-violet-100 text-violet-800 dark:bg-violet-900 dark:text-violet-100'
    : senderId.startsWith('visitor:')
      ? 'bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100'
      : 'bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100';
  const box = size === 'sm' ? 'h-7 w-7 text-xs' : 'h-9 w-9 text-sm';
  return (
    <span aria-hidden="true" className={`inline-flex shrink-0 items-center justify-center rounded-full font-semibold ${box} ${tone}`}>
      {initials || '?'}
    </span>
  );
}
