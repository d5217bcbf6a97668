import { z } from 'zod';

/**
 * Who and what an interview's credits are for (docs/product.md, Attribution): the attributes an
 * event may carry, and the dimensions usage can be broken down by.
 */

/** The longest attribute value, tag key or name an event may carry. */
export const MAX_ATTRIBUTE_LENGTH = 100;
/** The most tags one event may carry. */
export const MAX_TAGS = 10;
/**
 * A tag key: letters, digits, `_` and `-`, 1 to 40 of them. No `:` nor `.`, so `by=tag:<key>` and a
 * filter `tag.<key>` read unambiguously, and no space or case trouble in URLs.
 */
export const TAG_KEY_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;

/** The event fields that attribute an interview (a malformed one is refused as invalid_attribution). */
export const ATTRIBUTION_FIELDS = ['recruiterId', 'recruiterName', 'department', 'location', 'tags'] as const;
export type AttributionField = (typeof ATTRIBUTION_FIELDS)[number];

export const AttributeValue = z.string().trim().min(1).max(MAX_ATTRIBUTE_LENGTH);

export const Tags = z
  .record(z.string().regex(TAG_KEY_PATTERN, 'a tag key is 1 to 40 letters, digits, _ or -'), AttributeValue)
  .refine((tags) => Object.keys(tags).length <= MAX_TAGS, `at most ${MAX_TAGS} tags`);

/** The dimensions stored as they are named; a tag's is `tag:<key>`. */
export const FIXED_DIMENSIONS = ['recruiter', 'department', 'location'] as const;
export type FixedDimension = (typeof FIXED_DIMENSIONS)[number];
export type Dimension = FixedDimension | `tag:${string}`;

export const DIMENSION_PATTERN = new RegExp(
  `^(${FIXED_DIMENSIONS.join('|')}|tag:${TAG_KEY_PATTERN.source.slice(1, -1)})$`,
);

export const tagDimension = (key: string): Dimension => `tag:${key}`;

/** The label of usage without the attribute (`key: null`). */
export const NO_ATTRIBUTE_LABEL = '(none)';
