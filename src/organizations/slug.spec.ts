import { firstFreeSlug, slugify } from './slug';

describe('slugify', () => {
  it.each([
    ['Acme Corp', 'acme-corp'],
    ["Onur Kacmaz's Team!", 'onur-kacmazs-team'],
    ['Çağrı Öztürk', 'cagr-ozturk'],
    ['  --Hello   World--  ', 'hello-world'],
    ['日本語', 'org'],
    ['', 'org'],
  ])('turns %j into %j', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it('keeps slugs at most 50 characters without a trailing dash', () => {
    const slug = slugify(`${'a'.repeat(49)} b`);
    expect(slug.length).toBeLessThanOrEqual(50);
    expect(slug.endsWith('-')).toBe(false);
  });
});

describe('firstFreeSlug', () => {
  it('takes the base when free, else the first free numeric suffix', () => {
    expect(firstFreeSlug('acme', [])).toBe('acme');
    expect(firstFreeSlug('acme', ['acme'])).toBe('acme-2');
    expect(firstFreeSlug('acme', ['acme', 'acme-2', 'acme-4'])).toBe('acme-3');
  });
});
