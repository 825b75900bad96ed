/**
 * The weighted document products are searched by: name outranks brand, brand outranks description.
 * The `simple` configuration neither stems nor drops stop words, so Korean and English words both match
 * as written (an English stemmer would mangle Korean and gains little on short product names).
 * Shared by the migration and the entity so that the schema diff stays empty.
 */
export const PRODUCT_SEARCH_VECTOR_SQL =
  `setweight(to_tsvector('simple'::regconfig, COALESCE(name, ''::text)), 'A'::"char") || ` +
  `setweight(to_tsvector('simple'::regconfig, COALESCE(brand, ''::text)), 'B'::"char") || ` +
  `setweight(to_tsvector('simple'::regconfig, COALESCE(description, ''::text)), 'C'::"char")`;
