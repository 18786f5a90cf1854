-- wrk script: one stateless (2026-07-28) MCP request per call, the method
-- from the METHOD environment variable (server/discover or tools/list).
local method = os.getenv("METHOD") or "tools/list"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["MCP-Protocol-Version"] = "2026-07-28"
wrk.headers["Mcp-Method"] = method
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("TOKEN") or "")
wrk.body = '{"jsonrpc":"2.0","id":1,"method":"' .. method .. '","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"wrk","version":"1"}}}}'
