// The stand-in PoCo subgraph: a subset of iExec's PoCo-subgraph schema (schema.graphql), served
// by graphql-js with resolvers over the scenario, with The Graph's query conventions: `where`
// filters compared case-sensitively (ids and addresses are stored lowercase), `first` at most
// 1000 and `skip` at most 5000, ties in `orderBy` broken by id, default order by id ascending.
// Cursor paging as The Graph recommends past `skip`'s limit: the generated comparison filters
// `id_gt`/`id_lt` (ids compared as text, as The Graph compares ID strings) and `startTime`,
// `startTime_lt`/`_lte`/`_gt`/`_gte` (compared as numbers).

const SCHEMA = /* GraphQL */ `
  scalar BigInt
  scalar Bytes

  enum OrderDirection { asc desc }
  enum TaskStatus { UNSET ACTIVE REVEALING COMPLETED FAILLED }
  enum Deal_orderBy { id startTime timestamp }
  enum Task_orderBy { id index timestamp }

  input Deal_filter {
    id: ID
    id_in: [ID!]
    id_gt: ID
    id_lt: ID
    beneficiary: String
    beneficiary_in: [String!]
    startTime: BigInt
    startTime_lt: BigInt
    startTime_lte: BigInt
    startTime_gt: BigInt
    startTime_gte: BigInt
  }
  input Task_filter {
    deal: String
    id_in: [ID!]
  }

  type Account { id: ID! }
  type App { id: ID! name: String! }
  type Category { id: ID! }

  type Deal {
    id: ID!
    app: App!
    requester: Account!
    beneficiary: Account!
    callback: Account!
    params: String!
    startTime: BigInt!
    timestamp: BigInt!
    botFirst: BigInt!
    botSize: BigInt!
    category: Category!
    tag: Bytes!
    trust: BigInt!
    tasks(first: Int = 100, skip: Int = 0, orderBy: Task_orderBy, orderDirection: OrderDirection, where: Task_filter): [Task!]!
  }

  type Task {
    id: ID!
    index: BigInt!
    status: TaskStatus!
    deal: Deal!
    finalDeadline: BigInt!
    timestamp: BigInt!
    results: Bytes
    resultDigest: Bytes
  }

  type Query {
    deals(where: Deal_filter, first: Int = 100, skip: Int = 0, orderBy: Deal_orderBy, orderDirection: OrderDirection): [Deal!]!
    deal(id: ID!): Deal
    tasks(where: Task_filter, first: Int = 100, skip: Int = 0, orderBy: Task_orderBy, orderDirection: OrderDirection): [Task!]!
    task(id: ID!): Task
  }
`;

const BIGINT_FIELDS = new Set(['startTime', 'timestamp', 'index']);

/** The Graph's bounds on paging arguments, with its wording. */
function checkPaging({ first, skip }) {
  if (first < 0 || first > 1000) throw new Error(`The \`first\` argument must be between 0 and 1000, but is ${first}`);
  if (skip < 0 || skip > 5000) throw new Error(`The \`skip\` argument must be between 0 and 5000, but is ${skip}`);
}

function compareBy(field) {
  const key = BIGINT_FIELDS.has(field) ? (e) => BigInt(e[field]) : (e) => e[field];
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
}

/** Filters, orders (id breaks ties) and pages a list of entities. */
function select(entities, matches, args) {
  checkPaging(args);
  const byField = compareBy(args.orderBy ?? 'id');
  const byId = compareBy('id');
  const sign = args.orderDirection === 'desc' ? -1 : 1;
  return entities
    .filter(matches)
    .sort((a, b) => sign * byField(a, b) || byId(a, b))
    .slice(args.skip, args.skip + args.first);
}

function dealMatches(w = {}) {
  const time = (d) => BigInt(d.startTime);
  return (d) =>
    (w.id == null || d.id === w.id) &&
    (w.id_in == null || w.id_in.includes(d.id)) &&
    (w.id_gt == null || d.id > w.id_gt) &&
    (w.id_lt == null || d.id < w.id_lt) &&
    (w.beneficiary == null || d.beneficiary.id === w.beneficiary) &&
    (w.beneficiary_in == null || w.beneficiary_in.includes(d.beneficiary.id)) &&
    (w.startTime == null || time(d) === BigInt(w.startTime)) &&
    (w.startTime_lt == null || time(d) < BigInt(w.startTime_lt)) &&
    (w.startTime_lte == null || time(d) <= BigInt(w.startTime_lte)) &&
    (w.startTime_gt == null || time(d) > BigInt(w.startTime_gt)) &&
    (w.startTime_gte == null || time(d) >= BigInt(w.startTime_gte));
}

function taskMatches(w = {}) {
  return (t) => (w.deal == null || t.dealId === w.deal) && (w.id_in == null || w.id_in.includes(t.id));
}

const hexOrNull = (v) => (v == null ? null : String(v).toLowerCase());

/**
 * Builds the entities the subgraph would hold: the deals it indexed and their tasks but the
 * chain-only ones. BigInts become strings and Bytes lowercase hex, as The Graph serialises them.
 */
function buildEntities(scenario) {
  const deals = [];
  const tasks = [];
  for (const d of scenario.deals.filter((x) => x.inSubgraph)) {
    const deal = {
      id: d.id,
      app: { id: d.app.id, name: d.app.name },
      requester: { id: d.requester },
      beneficiary: { id: d.beneficiary },
      callback: { id: d.callback },
      params: d.params,
      startTime: String(d.startTime),
      timestamp: String(d.timestamp ?? d.startTime),
      botFirst: String(d.botFirst),
      botSize: String(d.botSize),
      category: { id: String(d.category) },
      tag: hexOrNull(d.tag),
      trust: String(d.trust),
      tasks: (args) => select(ownTasks, taskMatches(args.where), args),
    };
    const ownTasks = d.tasks
      .filter((t) => !t.chainOnly)
      .map((t) => ({
        id: t.id,
        index: String(t.index),
        status: t.status,
        deal,
        dealId: d.id,
        finalDeadline: String(t.finalDeadline),
        timestamp: String(t.timestamp ?? d.startTime),
        results: hexOrNull(t.results),
        resultDigest: hexOrNull(t.resultDigest),
      }));
    deals.push(deal);
    tasks.push(...ownTasks);
  }
  return { deals, tasks };
}

/** Returns { execute({query, variables, operationName}) } answering as The Graph would. */
export function createSubgraph(scenario, graphqlModule) {
  const { buildSchema, graphql } = graphqlModule;
  const schema = buildSchema(SCHEMA);
  const { deals, tasks } = buildEntities(scenario);
  const rootValue = {
    deals: (args) => select(deals, dealMatches(args.where), args),
    deal: ({ id }) => deals.find((d) => d.id === id) ?? null,
    tasks: (args) => select(tasks, taskMatches(args.where), args),
    task: ({ id }) => tasks.find((t) => t.id === id) ?? null,
  };
  return {
    async execute({ query, variables, operationName }) {
      const result = await graphql({ schema, source: query, rootValue, variableValues: variables, operationName });
      // The Graph sends no `data` when a query fails as a whole.
      const json = JSON.parse(JSON.stringify(result));
      if (json.data === null) delete json.data;
      return json;
    },
  };
}
