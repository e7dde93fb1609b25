import type { TestAppRow, TestAppTable, TestAppUser } from '@scim/adapter-test-suite';
import type { ClientSession, Connection, Model } from 'mongoose';
import { Schema } from 'mongoose';

/** The test app's own users (no SCIM field); `active` is required, as the suite's NOT NULL column. */
const serviceUserSchema = new Schema<TestAppUser>(
  {
    email: { type: String, default: null },
    displayName: String,
    givenName: String,
    familyName: String,
    active: { type: Boolean, required: true },
    roles: { type: [String], default: [] },
  },
  { collection: 'service_users' },
);

function serviceUserModel(connection: Connection): Model<TestAppUser> {
  return (
    (connection.models.ServiceUser as Model<TestAppUser> | undefined) ??
    connection.model<TestAppUser>('ServiceUser', serviceUserSchema)
  );
}

/** Only the fields given: `undefined` leaves a field as it is. */
function given(row: Partial<TestAppUser>): Partial<TestAppUser> {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== undefined));
}

/**
 * The test app's users collection for the service-mode suites, written in the session the adapter hands
 * its functions (undefined without transactions).
 */
export function mongooseServiceApp(connection: Connection): TestAppTable<ClientSession | undefined> {
  const ServiceUser = serviceUserModel(connection);
  return {
    async insert(session, row) {
      const [created] = await ServiceUser.create([row], { session });
      return String(created!._id);
    },
    async update(session, id, row) {
      await ServiceUser.updateOne({ _id: id }, { $set: given(row) }, { session });
    },
    async delete(session, id) {
      await ServiceUser.deleteOne({ _id: id }, { session });
    },
    async read(id) {
      const doc = await ServiceUser.findById(id).lean();
      if (doc === null) return null;
      const { _id, ...row } = doc as TestAppUser & { _id: unknown };
      const out: TestAppRow = {
        id: String(_id),
        email: row.email ?? null,
        displayName: row.displayName ?? null,
        givenName: row.givenName ?? null,
        familyName: row.familyName ?? null,
        active: row.active,
        roles: [...row.roles],
      };
      return out;
    },
    async findByEmail(session, email) {
      const docs = await ServiceUser.find({ email }, { _id: 1 }, { session })
        .collation({ locale: 'en', strength: 2 })
        .lean();
      return docs.map((doc) => String(doc._id));
    },
  };
}
