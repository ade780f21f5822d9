-- Branch and warehouse codes and vendor articles are unique regardless of the
-- case of their ASCII letters only, as on SQLite (COLLATE NOCASE) and in the
-- services' checks. lower() folded whatever letters the database's locale
-- knows (Cyrillic too, under a UTF-8 locale), so the two stores accepted
-- different codes and a SQLite help desk with both "КВ" and "кв" could not be
-- migrated. Every set of codes unique under lower() stays unique here.
DROP INDEX branches_code;
CREATE UNIQUE INDEX branches_code
    ON branches (translate(code, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'));
DROP INDEX warehouses_code;
CREATE UNIQUE INDEX warehouses_code
    ON warehouses (translate(code, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'));
DROP INDEX cartridge_types_article;
CREATE UNIQUE INDEX cartridge_types_article
    ON cartridge_types (translate(vendor_article, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'));
