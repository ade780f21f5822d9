-- An accepted request may wait, its service-level clock stopped: for its
-- author's answer or for parts. `waited_seconds` is the working time it has
-- waited before (by its branch's calendar), which pushes its resolve deadline.
ALTER TABLE requests ADD COLUMN waiting TEXT CHECK (waiting IS NULL OR waiting IN ('author', 'parts'));
ALTER TABLE requests ADD COLUMN waiting_since TEXT;
ALTER TABLE requests ADD COLUMN waited_seconds INTEGER NOT NULL DEFAULT 0;
