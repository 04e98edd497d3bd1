SELECT rapport_likely_duplicates (@NAME@, @MOBILE@, '', '', @ID@::bigint, 20);
