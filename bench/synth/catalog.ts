// Word lists and constants the synthetic estate draws from: regions, application names, ports,
// service tags and well-known external address ranges.

export interface Region {
  name: string;
  /** Short code used inside resource names. */
  short: string;
}

/** Azure public regions, in the order hubs are placed (tier XL uses the first 40). */
export const REGIONS: readonly Region[] = [
  { name: 'westeurope', short: 'weu' },
  { name: 'eastus2', short: 'eus2' },
  { name: 'northeurope', short: 'neu' },
  { name: 'westus2', short: 'wus2' },
  { name: 'uksouth', short: 'uks' },
  { name: 'southeastasia', short: 'sea' },
  { name: 'germanywestcentral', short: 'gwc' },
  { name: 'centralus', short: 'cus' },
  { name: 'francecentral', short: 'frc' },
  { name: 'australiaeast', short: 'aue' },
  { name: 'eastus', short: 'eus' },
  { name: 'swedencentral', short: 'sdc' },
  { name: 'japaneast', short: 'jpe' },
  { name: 'canadacentral', short: 'cac' },
  { name: 'switzerlandnorth', short: 'szn' },
  { name: 'westus3', short: 'wus3' },
  { name: 'southcentralus', short: 'scus' },
  { name: 'ukwest', short: 'ukw' },
  { name: 'norwayeast', short: 'nwe' },
  { name: 'centralindia', short: 'inc' },
  { name: 'eastasia', short: 'ea' },
  { name: 'brazilsouth', short: 'brs' },
  { name: 'koreacentral', short: 'krc' },
  { name: 'japanwest', short: 'jpw' },
  { name: 'northcentralus', short: 'ncus' },
  { name: 'westus', short: 'wus' },
  { name: 'canadaeast', short: 'cae' },
  { name: 'australiasoutheast', short: 'ause' },
  { name: 'southafricanorth', short: 'san' },
  { name: 'uaenorth', short: 'uan' },
  { name: 'polandcentral', short: 'plc' },
  { name: 'italynorth', short: 'itn' },
  { name: 'spaincentral', short: 'spc' },
  { name: 'westcentralus', short: 'wcus' },
  { name: 'southindia', short: 'ins' },
  { name: 'koreasouth', short: 'krs' },
  { name: 'australiacentral', short: 'auc' },
  { name: 'qatarcentral', short: 'qac' },
  { name: 'israelcentral', short: 'ilc' },
  { name: 'mexicocentral', short: 'mxc' },
  { name: 'newzealandnorth', short: 'nzn' },
  { name: 'westindia', short: 'inw' },
];

/** Application names (lower-case letters only: they end up in storage account names). */
export const APPS: readonly string[] = [
  'payments', 'billing', 'crm', 'erp', 'hr', 'payroll', 'ledger', 'invoicing', 'orders', 'catalog',
  'inventory', 'shipping', 'checkout', 'pricing', 'loyalty', 'search', 'reporting', 'analytics',
  'datalake', 'etl', 'ml', 'forecast', 'risk', 'fraud', 'kyc', 'claims', 'policy', 'underwriting',
  'portal', 'intranet', 'wiki', 'tickets', 'itsm', 'cmdb', 'identity', 'sso', 'mdm', 'messaging',
  'notify', 'email', 'sms', 'media', 'cdn', 'docs', 'archive', 'backup', 'audit', 'siem', 'logs',
  'metrics', 'gateway', 'partner', 'b2b', 'edi', 'supplier', 'procure', 'treasury', 'tax', 'legal',
  'marketing', 'campaigns', 'survey', 'booking', 'fleet', 'iot', 'telemetry', 'plm', 'mes', 'scada',
];

export const ENVIRONMENTS: readonly string[] = ['prod', 'prod', 'prod', 'prod', 'uat', 'test', 'dev', 'dev'];

/** Workload subnet roles, in the order spokes use them. */
export const WORKLOAD_ROLES: readonly string[] = [
  'web', 'api', 'app', 'data', 'svc', 'cache', 'jobs', 'batch', 'analytics', 'integration',
  'events', 'search', 'files', 'reporting',
];

/** Roles whose subnets get the spoke's front-end NSG; the others get the back-end NSG. */
export const FRONT_ROLES: ReadonlySet<string> = new Set(['web', 'api']);

/** Hub subnets that hold virtual machines. */
export const HUB_VM_ROLES: readonly string[] = ['mgmt', 'identity', 'shared', 'monitor', 'dns', 'tools', 'backup', 'build'];

/** Destination ports (NSG syntax: single port, range) that each role listens on. */
export const ROLE_PORTS: Readonly<Record<string, readonly string[]>> = {
  web: ['443', '80', '8443'],
  api: ['8443', '443', '8080-8090'],
  app: ['8000-8100', '8080', '9000'],
  data: ['1433', '5432', '3306', '27017'],
  svc: ['7000-7010', '8443', '50051'],
  cache: ['6379', '6380', '11211'],
  jobs: ['8080', '9090'],
  batch: ['8443', '6000-6100'],
  analytics: ['9200-9300', '8088', '10000'],
  integration: ['5671-5672', '9092', '443'],
  events: ['9092-9094', '5671-5672'],
  search: ['9200-9300'],
  files: ['445', '2049'],
  reporting: ['443', '1433'],
  mgmt: ['22', '3389', '5985-5986'],
  identity: ['53', '88', '389', '636', '3268-3269'],
  shared: ['443', '8443'],
  monitor: ['443', '9090', '3000'],
  dns: ['53'],
  tools: ['443', '8080'],
  backup: ['443', '445'],
  build: ['443', '22'],
};

/** Service tags the NSG rules use. */
export const SERVICE_TAGS = {
  virtualNetwork: 'VirtualNetwork',
  internet: 'Internet',
  azureLoadBalancer: 'AzureLoadBalancer',
  storage: 'Storage',
  sql: 'Sql',
  azureCloud: 'AzureCloud',
  azureMonitor: 'AzureMonitor',
} as const;

/** Address ranges the estate blocks everywhere (documentation and benchmarking ranges). */
export const BLOCKLIST: readonly string[] = ['192.0.2.0/24', '198.18.0.0/15'];

/** The company's public egress ranges (trusted for management access). */
export const CORPORATE_EGRESS: readonly string[] = ['198.51.100.0/26', '203.0.113.128/27'];

/** FQDNs workloads may reach through the firewall's application rules. */
export const PLATFORM_FQDNS: readonly string[] = [
  '*.ubuntu.com', 'azure.archive.ubuntu.com', 'packages.microsoft.com', 'github.com',
  '*.githubusercontent.com', 'registry.npmjs.org', 'pypi.org', 'files.pythonhosted.org',
];

export const VM_SIZES: readonly string[] = ['Standard_D2s_v5', 'Standard_D4s_v5', 'Standard_D8s_v5', 'Standard_E4s_v5', 'Standard_B2ms', 'Standard_F4s_v2'];

/** Storage sub-resources a private endpoint can target (groupIds). */
export const STORAGE_GROUP_IDS: readonly string[] = ['blob', 'file', 'queue', 'table', 'dfs'];
