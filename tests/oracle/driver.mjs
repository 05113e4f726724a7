// Test-only bridge to the @cloud-copilot/iam-simulate oracle (AGPL; never shipped).
//
// Protocol: one JSON object per line on stdin, one JSON answer per line on stdout, in
// order. A case is
//   {"id": ..., "mode": "simulate" | "authorize", "request": {...}, "policies": {...}}
// with `request` and `policies` shaped like cdk_iam_roles.analysis.Request / PolicySet
// (snake_case keys). The answer is {"id", "result", "error"?, "ignored"?} where result is
// "Allowed", "ExplicitlyDenied", "ImplicitlyDenied" or "Error".
//   mode "simulate"  -> the public runSimulation (validates, filters context keys)
//   mode "authorize" -> the core engine's authorize(), without validation or filtering
// A benchmark message {"id", "mode": "bench", "cases": [...], "seconds": s} times
// runSimulation over the cases in-process (CPU seconds) and answers
// {"id", "evaluations", "elapsed"}.
import { createInterface } from 'node:readline'
import { runSimulation } from '@cloud-copilot/iam-simulate'
import { loadPolicy } from '@cloud-copilot/iam-policy'

const base = new URL('../../node_modules/@cloud-copilot/iam-simulate/dist/esm/', import.meta.url)
const { authorize } = await import(new URL('core_engine/CoreSimulatorEngine.js', base))
const { AwsRequestImpl } = await import(new URL('request/request.js', base))
const { RequestContextImpl } = await import(new URL('requestContext.js', base))
const { DiscoveryContextKeyConstraints } = await import(
  new URL('context_keys/discoveryContextKeyConstraints.js', base)
)

// AWS attaches RCPFullAWSAccess to every level; runSimulation adds it itself.
const FULL_ACCESS_RCP = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }]
}

function accountOf(principal) {
  const parts = principal.split(':')
  return parts.length >= 6 && parts[0] === 'arn' && parts[4] ? parts[4] : undefined
}

function toSimulation(request, policies) {
  const account = request.resource_account ?? accountOf(request.principal) ?? '999999999999'
  const simulation = {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: account },
      contextVariables: request.context ?? {}
    },
    identityPolicies: (policies.identity ?? []).map((policy, i) => ({ name: `identity${i}`, policy })),
    serviceControlPolicies: (policies.scps ?? []).map((level, i) => ({
      orgIdentifier: `ou-level-${i}`,
      policies: level.map((policy, j) => ({ name: `scp${i}-${j}`, policy }))
    })),
    resourceControlPolicies: (policies.rcps ?? []).map((level, i) => ({
      orgIdentifier: `ou-level-${i}`,
      policies: level.map((policy, j) => ({ name: `rcp${i}-${j}`, policy }))
    }))
  }
  if (policies.resource) simulation.resourcePolicy = policies.resource
  if (policies.boundary) simulation.permissionBoundaryPolicies = [{ name: 'boundary', policy: policies.boundary }]
  if (policies.session) simulation.sessionPolicy = policies.session
  return simulation
}

function runAuthorize(request, policies) {
  const simulation = toSimulation(request, policies)
  const named = (name, policy) => loadPolicy(policy, { name })
  const levels = (list, extra) =>
    list.map((level) => ({
      orgIdentifier: level.orgIdentifier,
      policies: [...(extra ? [named('RCPFullAWSAccess', extra)] : []), ...level.policies.map((p) => named(p.name, p.policy))]
    }))
  const analysis = authorize({
    request: new AwsRequestImpl(
      simulation.request.principal,
      simulation.request.resource,
      simulation.request.action,
      new RequestContextImpl(simulation.request.contextVariables),
      false
    ),
    sessionPolicy: policies.session ? named('session', policies.session) : undefined,
    identityPolicies: simulation.identityPolicies.map((p) => named(p.name, p.policy)),
    serviceControlPolicies: levels(simulation.serviceControlPolicies),
    resourceControlPolicies: levels(simulation.resourceControlPolicies, FULL_ACCESS_RCP),
    resourcePolicy: policies.resource ? named('resource', policies.resource) : undefined,
    permissionBoundaries: policies.boundary ? [named('boundary', policies.boundary)] : undefined,
    vpcEndpointPolicies: undefined,
    simulationParameters: {
      simulationMode: 'Strict',
      discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([])
    },
    serviceSettings: { s3: {} }
  })
  return { result: analysis.result }
}

async function runSimulate(request, policies) {
  const response = await runSimulation(toSimulation(request, policies), {})
  if (response.resultType === 'error') {
    return { result: 'Error', error: response.errors.message, detail: response.errors }
  }
  const ignored =
    response.resultType === 'single' ? response.result.ignoredContextKeys ?? [] : []
  return { result: response.overallResult, ignored }
}

async function answer(message) {
  if (message.mode === 'bench') {
    // CPU time of this process (user + system), so that other load on the machine
    // does not count against the oracle; one untimed pass first lets V8 warm up.
    const simulations = message.cases.map((c) => toSimulation(c.request, c.policies))
    for (const simulation of simulations) await runSimulation(simulation, {})
    const cpuSeconds = () => {
      const { user, system } = process.cpuUsage()
      return (user + system) / 1e6
    }
    const start = cpuSeconds()
    let evaluations = 0
    do {
      for (const simulation of simulations) {
        await runSimulation(simulation, {})
        evaluations += 1
      }
    } while (cpuSeconds() - start < message.seconds)
    return { evaluations, elapsed: cpuSeconds() - start }
  }
  if (message.mode === 'authorize') return runAuthorize(message.request, message.policies)
  return runSimulate(message.request, message.policies)
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of lines) {
  if (!line.trim()) continue
  let message
  let reply
  try {
    message = JSON.parse(line)
    reply = await answer(message)
  } catch (error) {
    reply = { result: 'Error', error: String(error && error.stack ? error.stack : error) }
  }
  process.stdout.write(JSON.stringify({ id: message?.id ?? null, ...reply }) + '\n')
}
