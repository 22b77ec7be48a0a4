import { defineConfig } from 'vitepress';
import { withMermaid } from 'vitepress-plugin-mermaid';
import { repositoryLinks } from './repository-links.ts';

// The site is docs/ as it stands in the repository: every page keeps working on GitHub too, and
// links out of docs/ are rewritten rather than broken (see repository-links.ts).
export default withMermaid(
  defineConfig({
    title: 'zk-cookbook',
    description:
      'ZooKeeper application patterns in TypeScript, and how ZooKeeper works · ZooKeeper 原理与实践',
    lang: 'en',
    // A dead link between pages fails the build; CI runs the build.
    ignoreDeadLinks: false,
    lastUpdated: false,
    // Only pages belong to the site; the theory code beside them is read in the repository.
    srcExclude: ['**/node_modules/**', '**/fixtures/**', '**/simulations/**/*.md', '**/demos/**/*.md'],
    markdown: {
      theme: { light: 'github-light', dark: 'github-dark' },
      config: (md) => {
        repositoryLinks(md, {
          docsFolder: 'docs',
          ...(process.env.DOCS_REPOSITORY_URL ? { repositoryUrl: process.env.DOCS_REPOSITORY_URL } : {}),
        });
      },
    },
    mermaid: { securityLevel: 'strict' },
    themeConfig: {
      search: { provider: 'local' },
      outline: { level: [2, 3] },
      nav: [
        { text: 'Learning path', link: '/' },
        { text: '大纲索引 Outline map', link: '/outline' },
        { text: 'Theory', link: '/theory/' },
        { text: 'Use', link: '/operations/server-modes' },
        { text: 'Recipes', link: '/recipes/README' },
        { text: 'Patterns', link: '/patterns' },
        { text: 'Workshop', link: '/workshop' },
        { text: '术语 Glossary', link: '/glossary' },
      ],
      sidebar: [
        {
          text: 'Start · 开始',
          items: [
            { text: 'Learning path · 学习路线', link: '/' },
            { text: 'Outline map · 大纲索引', link: '/outline' },
            { text: 'Glossary · 术语表', link: '/glossary' },
          ],
        },
        {
          text: 'Distributed systems · 分布式系统特点',
          items: [
            { text: 'Overview · 概览', link: '/theory/' },
            { text: 'Centralised, ACID, CAP, BASE · 集中式与分布式', link: '/theory/cap' },
            { text: 'Byzantine generals · 拜占庭将军', link: '/theory/byzantine' },
            { text: '2PC and 3PC · 两阶段/三阶段提交', link: '/theory/commit-protocols' },
            { text: 'Paxos and Multi-Paxos', link: '/theory/paxos' },
            { text: 'Raft', link: '/theory/raft' },
            { text: 'ZAB · ZAB 协议', link: '/theory/zab' },
            { text: 'Consistent hashing · 一致性 Hash', link: '/theory/consistent-hashing' },
            { text: 'The simulator · 模拟器', link: '/theory/simulations' },
          ],
        },
        {
          text: 'ZooKeeper internals · ZooKeeper 概念',
          items: [
            { text: 'Data model · 数据模型', link: '/internals/data-model' },
            { text: 'Transaction log and snapshots · 事务日志 & 快照', link: '/internals/persistence' },
            { text: 'Startup and data sync · 初始化 & 数据同步', link: '/internals/data-sync' },
            {
              text: 'Roles and request processing · 角色 · 请求处理链',
              link: '/internals/request-processing',
            },
            { text: 'Jute · 通信协议', link: '/internals/jute' },
            { text: 'Sessions · 会话', link: '/internals/sessions' },
            { text: 'Leader election · Leader 选举', link: '/internals/leader-election' },
          ],
        },
        {
          text: 'Use ZooKeeper · ZooKeeper 使用',
          items: [
            { text: 'Server modes · 服务端', link: '/operations/server-modes' },
            { text: 'Version matrix · 版本矩阵', link: '/operations/version-matrix' },
            { text: 'The shell · shell 客户端', link: '/shell' },
            { text: 'The client · 客户端', link: '/client' },
            { text: 'Monitoring · 监控', link: '/monitoring' },
            { text: 'Four-letter words · 四字命令', link: '/use/four-letter-words' },
            {
              text: 'JMX, metrics, sizing · JMX & 监控 · 数据 & 连接 & 磁盘',
              link: '/use/monitoring-and-sizing',
            },
            { text: 'Client APIs compared · 客户端 API', link: '/use/client-apis' },
          ],
        },
        {
          text: 'Applications · ZooKeeper 应用',
          items: [
            { text: 'Pattern services · 应用模式', link: '/patterns' },
            { text: 'Workshop · 实践练习', link: '/workshop' },
            { text: 'Recipes · 配方', link: '/recipes/README' },
            { text: 'Locks · 分布式锁', link: '/recipes/locks' },
            { text: 'Leader election · Master 选举', link: '/recipes/leader' },
            { text: 'Queues · 分布式队列', link: '/recipes/queue' },
            { text: 'Barriers · 屏障', link: '/recipes/barriers' },
            { text: 'Counters · 计数器', link: '/recipes/counters' },
            { text: 'Membership · 集群管理', link: '/recipes/membership' },
            { text: 'Caches · 数据发布/订阅', link: '/recipes/caches' },
            { text: 'Service discovery · 负载均衡', link: '/recipes/discovery' },
            { text: 'Naming · 命名服务', link: '/recipes/naming' },
          ],
        },
      ],
    },
  }),
);
