// The Go side of bench:propagation-floor: the least a Go daemon does to pass one message on.
// Accepts one connection on LISTEN, dials TARGET COUNT times, and writes every chunk it reads to
// each of those connections in turn. Built by the bench with `go build` (standard library only).
//
//	relay LISTEN TARGET COUNT
package main

import (
	"net"
	"os"
	"strconv"
)

func main() {
	count, _ := strconv.Atoi(os.Args[3])
	outs := make([]net.Conn, 0, count)
	for i := 0; i < count; i++ {
		c, err := net.Dial("tcp", os.Args[2])
		if err != nil {
			panic(err)
		}
		outs = append(outs, c)
	}
	l, err := net.Listen("tcp", os.Args[1])
	if err != nil {
		panic(err)
	}
	os.Stdout.WriteString("{\"event\":\"ready\"}\n")
	in, err := l.Accept()
	if err != nil {
		panic(err)
	}
	buf := make([]byte, 65536)
	for {
		n, err := in.Read(buf)
		if err != nil {
			return
		}
		for _, o := range outs {
			o.Write(buf[:n])
		}
	}
}
