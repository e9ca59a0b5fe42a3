-- JSON built from SQL values keeps their types: on MySQL a DECIMAL or DATETIME
-- becomes an "opaque" value inside the binary JSON (JSON_OBJECT('price', 12.50)).
-- Users write such JSON all the time; it must migrate. (On MariaDB JSON is text.)
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  price decimal(10,2) not null,
  j json,
  primary key(id)
) auto_increment=1 default charset=utf8mb4;

insert into gh_ost_test (price, j) values
  (12.50, json_object('price', 12.50)),
  (0.10, json_object('price', cast(0.10 as decimal(10,2)), 'at', cast('2024-01-02 03:04:05' as datetime))),
  (1.00, json_array(cast('2024-01-02' as date), cast('10:11:12' as time)));

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
  insert into gh_ost_test (price, j) values (19.99, json_object('price', 19.99, 'at', now()));
  update gh_ost_test set price = price + 1, j = json_object('price', price + 1) where id = 1;
end ;;
