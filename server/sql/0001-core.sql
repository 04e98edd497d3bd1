-- SPDX-License-Identifier: GPL-3.0-or-later
-- The core records every later migration builds on: teams, users (record owners),
-- customers and their contacts. Security, roles and audit come in later migrations.

CREATE FUNCTION touch_updated_at () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  NEW.version := OLD.version + 1;
  RETURN NEW;
END
$$;

CREATE TABLE teams (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
  display_name text NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 200),
  email text,
  mobile text CHECK (mobile ~ '^1[3-9][0-9]{9}$'),
  team_id bigint REFERENCES teams (id) ON DELETE SET NULL,
  is_active boolean NOT NULL DEFAULT true,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_team_id_idx ON users (team_id);

CREATE TABLE customers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL DEFAULT 'company' CHECK (kind IN ('company', 'individual')),
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 300),
  industry text,
  size text CHECK (size IN ('large', 'medium_small', 'individual')),
  potential text CHECK (potential IN ('high', 'medium', 'low')),
  source text,
  province text,
  city text,
  district text,
  address text,
  phone text,
  email text,
  website text,
  notes text,
  owner_id bigint REFERENCES users (id) ON DELETE SET NULL,
  custom jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(custom) = 'object'),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customers_owner_id_idx ON customers (owner_id);
CREATE INDEX customers_updated_at_idx ON customers (updated_at, id);

CREATE TABLE contacts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  full_name text NOT NULL CHECK (length(btrim(full_name)) BETWEEN 1 AND 200),
  title text,
  mobile text CHECK (mobile ~ '^1[3-9][0-9]{9}$'),
  phone text,
  email text,
  is_primary boolean NOT NULL DEFAULT false,
  custom jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(custom) = 'object'),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contacts_customer_id_idx ON contacts (customer_id);
CREATE UNIQUE INDEX contacts_one_primary_idx ON contacts (customer_id) WHERE is_primary;

CREATE TRIGGER teams_touch BEFORE UPDATE ON teams
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at ();
CREATE TRIGGER users_touch BEFORE UPDATE ON users
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at ();
CREATE TRIGGER customers_touch BEFORE UPDATE ON customers
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at ();
CREATE TRIGGER contacts_touch BEFORE UPDATE ON contacts
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at ();
