// filled in by the requests page
