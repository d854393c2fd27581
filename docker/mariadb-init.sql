-- The agora user may create and use one schema per module (agora_users, agora_catalog, ...).
GRANT ALL PRIVILEGES ON `agora\_%`.* TO 'agora'@'%';
