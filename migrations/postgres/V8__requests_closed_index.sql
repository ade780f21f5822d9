-- The web panel's dashboard counts requests closed today and this week:
-- by an index on when they were closed, not by reading every request.
CREATE INDEX requests_closed ON requests(closed_at) WHERE closed_at IS NOT NULL;
