// Standard public load balancers: one frontend on a public IP, one backend pool, a probe and a rule.

import { childId, ref, TYPES } from '../ids.ts';
import { type ArmResource, armResource, SUCCEEDED } from './resource.ts';

export interface LoadBalancerInput {
  id: string;
  name: string;
  location: string;
  publicIpId: string;
  /** NIC IP configurations in the backend pool. */
  backendIpConfigurationIds: readonly string[];
  port: number;
  resourceGuid: string;
}

export const LB_FRONTEND = 'fe-public';
export const LB_BACKEND = 'be-web';
const PROBE = 'probe-https';
const RULE = 'lbr-https';

export function loadBalancerFrontendId(lbId: string): string {
  return childId(lbId, 'frontendIPConfigurations', LB_FRONTEND);
}

export function loadBalancerBackendPoolId(lbId: string): string {
  return childId(lbId, 'backendAddressPools', LB_BACKEND);
}

export function buildLoadBalancer(lb: LoadBalancerInput): ArmResource {
  const frontendId = loadBalancerFrontendId(lb.id);
  const poolId = loadBalancerBackendPoolId(lb.id);
  const probeId = childId(lb.id, 'probes', PROBE);
  const ruleId = childId(lb.id, 'loadBalancingRules', RULE);
  return armResource(lb.id, lb.name, TYPES.loadBalancer, lb.location, {
    provisioningState: SUCCEEDED,
    resourceGuid: lb.resourceGuid,
    frontendIPConfigurations: [{
      name: LB_FRONTEND,
      id: frontendId,
      properties: {
        provisioningState: SUCCEEDED,
        privateIPAllocationMethod: 'Dynamic',
        publicIPAddress: ref(lb.publicIpId),
        loadBalancingRules: [ref(ruleId)],
      },
    }],
    backendAddressPools: [{
      name: LB_BACKEND,
      id: poolId,
      properties: {
        provisioningState: SUCCEEDED,
        backendIPConfigurations: lb.backendIpConfigurationIds.map(ref),
        loadBalancingRules: [ref(ruleId)],
      },
    }],
    loadBalancingRules: [{
      name: RULE,
      id: ruleId,
      properties: {
        provisioningState: SUCCEEDED,
        frontendIPConfiguration: ref(frontendId),
        backendAddressPool: ref(poolId),
        backendAddressPools: [ref(poolId)],
        probe: ref(probeId),
        protocol: 'Tcp',
        frontendPort: lb.port,
        backendPort: lb.port,
        enableFloatingIP: false,
        idleTimeoutInMinutes: 4,
        loadDistribution: 'Default',
        disableOutboundSnat: true,
        enableTcpReset: true,
      },
    }],
    probes: [{
      name: PROBE,
      id: probeId,
      properties: {
        provisioningState: SUCCEEDED,
        protocol: 'Tcp',
        port: lb.port,
        intervalInSeconds: 5,
        numberOfProbes: 2,
        probeThreshold: 1,
        loadBalancingRules: [ref(ruleId)],
      },
    }],
    inboundNatRules: [],
    inboundNatPools: [],
    outboundRules: [],
  }, { sku: { name: 'Standard', tier: 'Regional' } });
}
