// Package demo prints what a newcomer wants to see of a sync on one
// screen: counts per resource type, entitlements and grants, a few grants
// in plain words ("Aroha Ngata holds Adviser in Kauri Digital"), read from
// a c1z with baton-sdk's own reader. Demo code only (make demo, the
// c1z-summary and c1-fake commands): never import it from a connector.
package demo
