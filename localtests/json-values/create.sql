-- JSON: objects, arrays, nesting, unicode and escapes, big and fractional
-- numbers, literals, NULL. (On MariaDB JSON is LONGTEXT with a json_valid check.)
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  j json,
  primary key(id)
) auto_increment=1 default charset=utf8mb4;

insert into gh_ost_test values
  (null, '{"a": 1, "b": [1, 2, 3], "c": {"d": null, "e": true, "f": false}}'),
  (null, '[]'),
  (null, '{}'),
  (null, '[1, "two", 3.5, null, true, {"x": [[]]}]'),
  (null, '{"unicode": "ü é 日本 😀", "escaped": "quote \\" backslash \\\\ tab \\t newline \\n"}'),
  (null, '{"big": 18446744073709551615, "neg": -9223372036854775808, "frac": 0.1, "exp": 1.5e300}'),
  (null, '"just a string"'),
  (null, '12345'),
  (null, 'null'),
  (null, null);

drop event if exists gh_ost_test;
delimiter ;;
create event gh_ost_test
  on schedule every 1 second
  starts current_timestamp
  ends current_timestamp + interval 60 second
  on completion not preserve
  enable
  do
begin
  insert into gh_ost_test values (null, json_object('t', cast(now() as char), 'r', 12.5e0, 'u', '😀', 'n', 18446744073709551615));
  insert into gh_ost_test values (null, json_array(1, 'ü', json_object('k', json_array())));
  update gh_ost_test set j = json_set(j, '$.a', 42, '$.new', 'ü') where id = 1;
  update gh_ost_test set j = null where id = 7;
  delete from gh_ost_test where id = 8;
end ;;
