CREATE TABLE smoke(x integer);
